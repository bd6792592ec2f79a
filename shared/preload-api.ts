// The shape the desktop preload exposes as `window.flowscope`: one function per contract
// method (answering a DispatchResult) plus onEvent. Derived from the contract.
import type { DispatchResult, MethodInput, MethodName, MethodOutput, PushEvent } from './contract';

export type PreloadApi = {
  [M in MethodName]: (args: MethodInput<M>) => Promise<DispatchResult<MethodOutput<M>>>;
} & {
  onEvent(listener: (event: PushEvent) => void): () => void;
};

export const IPC_CALL_CHANNEL = 'flowscope:call';
export const IPC_EVENT_CHANNEL = 'flowscope:event';
