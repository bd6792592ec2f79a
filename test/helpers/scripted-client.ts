// A FlowscopeClient for the renderer's unit tests: each method the test scripts answers from its
// handler (the others throw INTERNAL), every call is recorded, and `push` hands an event to the
// listeners the code under test registered, as the transport would.
import type { FlowscopeClient, MethodInput, MethodName, MethodOutput, PushEvent } from '../../shared/contract';
import { FlowscopeError } from '../../shared/errors';

export type Handlers = { [M in MethodName]?: (args: MethodInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M> };

export function scriptedClient(handlers: Handlers) {
  const listeners = new Set<(e: PushEvent) => void>();
  const calls: { method: MethodName; args: unknown }[] = [];
  const client: FlowscopeClient = {
    async call(method, args) {
      calls.push({ method, args });
      const handler = handlers[method] as ((a: unknown) => unknown) | undefined;
      if (!handler) throw new FlowscopeError('INTERNAL', `no handler for ${method}`);
      return (await handler(args)) as never;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (event: PushEvent) => listeners.forEach((l) => l(event));
  return { client, calls, push, listeners };
}
