// The desktop client: calls the preload's window.flowscope functions.
import type { FlowscopeClient, MethodName } from '../../../shared/contract';
import type { PreloadApi } from '../../../shared/preload-api';
import { unwrap } from './result';

export function createIpcClient(api: PreloadApi): FlowscopeClient {
  return {
    async call(method, args) {
      const fn = api[method as MethodName] as (a: unknown) => Promise<Parameters<typeof unwrap>[0]>;
      return unwrap(await fn(args));
    },
    onEvent: (listener) => api.onEvent(listener),
  };
}
