// The shape the desktop preload exposes as `window.flowscope`: one function per contract
// method (answering a DispatchResult) plus onEvent, and onOpenLink (a flowscope:// deep link
// the main process routed to this window). Derived from the contract.
import type { DispatchResult, MethodInput, MethodName, MethodOutput, PushEvent } from './contract';
import type { FlowLink } from './deep-link';

export type PreloadApi = {
  [M in MethodName]: (args: MethodInput<M>) => Promise<DispatchResult<MethodOutput<M>>>;
} & {
  onEvent(listener: (event: PushEvent) => void): () => void;
  /** A deep link for this window: the flow to show (the main process already switched connection if the link asked). */
  onOpenLink(listener: (link: Pick<FlowLink, 'queue' | 'jobId'>) => void): () => void;
};

export const IPC_CALL_CHANNEL = 'flowscope:call';
export const IPC_EVENT_CHANNEL = 'flowscope:event';
export const IPC_LINK_CHANNEL = 'flowscope:open-link';
