// Bridges the core to the renderer windows over IPC: one invoke channel for every method,
// registered once for the app, and one push channel per window. Each window is its own core
// session, named from the sender of each call (never from what the page says): its flow views
// end with it, or when it loads the page again, and closing one window never cuts another.
// Only the electron types are imported, so the bridge is unit-tested with fakes
// (test/unit/desktop-ipc-bridge.test.ts).
import type { DispatchResult } from '../../shared/contract';
import { FlowscopeError } from '../../shared/errors';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/preload-api';
import { attachSession, type ClientSession, type SessionCore } from '../core/client-session';
import { clip, type Logger } from '../core/log/logger';
import { isTrustedSender } from './guards';

/** The part of an invoke event the bridge reads (Electron's IpcMainInvokeEvent has it). */
export interface CallEvent {
  sender: { id: number };
  senderFrame?: { url: string; parent: unknown } | null;
}

/** The part of ipcMain the bridge uses. */
export interface CallRegistry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Electron's own signature
  handle(channel: string, listener: (event: CallEvent, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of a window's WebContents the bridge uses. */
export interface BridgedContents {
  id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
  on(event: 'did-navigate', listener: () => void): unknown;
}

export type BridgedCore = SessionCore;

export interface DesktopBridge {
  /** Connects one window; it is detached by itself when its contents are destroyed. */
  attach(contents: BridgedContents): () => void;
  /** The sessions of the windows attached now. */
  sessions(): string[];
  /** Detaches every window and removes the handler (app quit). */
  close(): void;
}

// A test seam: exported for test/unit/desktop-ipc-bridge.test.ts.
export function sessionOf(contentsId: number): string {
  return `window-${contentsId}`;
}

function refused(message: string): DispatchResult {
  return { ok: false, error: new FlowscopeError('FORBIDDEN_ORIGIN', message).toPayload() };
}

// A test seam: exported for test/unit/desktop-ipc-bridge.test.ts.
/**
 * Which session a call belongs to, or why it is refused: only windows the app attached, only
 * their top frame, only while it shows the renderer.
 */
export function callSession(event: CallEvent, attached: ReadonlySet<number>, rendererUrl: string): { session: string } | { refused: string } {
  if (!attached.has(event.sender.id)) return { refused: 'IPC call from a window the app did not open' };
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !isTrustedSender(frame.url, rendererUrl)) return { refused: 'IPC call from an untrusted frame' };
  return { session: sessionOf(event.sender.id) };
}

export function bridgeCore(ipc: CallRegistry, core: BridgedCore, rendererUrl: string, log: Logger): DesktopBridge {
  const windows = new Map<number, { client: ClientSession; detach: () => void }>();

  ipc.handle(IPC_CALL_CHANNEL, async (event: CallEvent, method: unknown, args: unknown): Promise<DispatchResult> => {
    const decision = callSession(event, new Set(windows.keys()), rendererUrl);
    if ('refused' in decision) {
      log.warn('refused ipc call', { reason: decision.refused, url: event.senderFrame ? clip(event.senderFrame.url) : undefined });
      return refused(decision.refused);
    }
    return windows.get(event.sender.id)!.client.call(method, args);
  });

  const attach = (contents: BridgedContents): (() => void) => {
    const id = contents.id;
    const existing = windows.get(id);
    if (existing) return existing.detach;
    const client = attachSession(core, sessionOf(id), (push) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, push);
    });
    const detach = () => {
      if (windows.get(id)?.client !== client) return;
      windows.delete(id);
      client.close();
    };
    windows.set(id, { client, detach });
    contents.once('destroyed', detach);
    // A reload is a new page: the views the old one opened are closed, the window stays bridged.
    contents.on('did-navigate', () => client.endViews());
    return detach;
  };

  return {
    attach,
    sessions: () => [...windows.keys()].map(sessionOf),
    close() {
      for (const { detach } of [...windows.values()]) detach();
      ipc.removeHandler(IPC_CALL_CHANNEL);
    },
  };
}
