// Bridges the core to the renderer over IPC: one invoke channel for every method (sender
// checked), one channel for push events.
import type { IpcMain, WebContents } from 'electron';
import type { DispatchResult } from '../../shared/contract';
import { FlowscopeError } from '../../shared/errors';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/preload-api';
import type { Core } from '../core/create-core';
import type { Logger } from '../core/log/logger';
import { isTrustedSender } from './guards';

export function bridgeCore(ipcMain: IpcMain, core: Core, contents: WebContents, rendererUrl: string, log: Logger): () => void {
  // One window is one session: its flow views end with it.
  const session = `window-${contents.id}`;
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, args: unknown): Promise<DispatchResult> => {
    if (!isTrustedSender(event.senderFrame?.url, rendererUrl)) {
      log.warn('refused ipc call from an untrusted frame', { url: event.senderFrame?.url });
      return { ok: false, error: new FlowscopeError('FORBIDDEN_ORIGIN', 'IPC call from an untrusted frame').toPayload() };
    }
    return core.dispatch(method, args, session);
  });
  const unsubscribe = core.onEvent((push) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, push);
  }, session);
  return () => {
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    unsubscribe();
    core.closeSession(session);
  };
}
