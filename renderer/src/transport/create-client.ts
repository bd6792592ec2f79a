// Picks the transport: the desktop preload when present, else the web host's WebSocket.
// Nothing above this file knows which one it got.
import type { FlowscopeClient } from '../../../shared/contract';
import type { PreloadApi } from '../../../shared/preload-api';
import { createIpcClient } from './ipc-client';
import { createWsClient, wsUrlFor } from './ws-client';

declare global {
  interface Window {
    flowscope?: PreloadApi;
  }
}

export function createClient(): FlowscopeClient {
  return window.flowscope ? createIpcClient(window.flowscope) : createWsClient(wsUrlFor(window.location));
}
