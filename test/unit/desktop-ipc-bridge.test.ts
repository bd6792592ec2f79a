// The desktop IPC bridge with fakes of ipcMain, windows and the core (no Electron): one handler
// for the app, one session per window taken from the sender, closing a window closes only its
// session, a reload closes its views, calls from windows or frames the app did not open are refused.
import { describe, expect, it } from 'vitest';
import type { DispatchResult, PushEvent } from '../../shared/contract';
import { IPC_CALL_CHANNEL } from '../../shared/preload-api';
import { memoryLogger } from '../../electron/core/log/logger';
import { bridgeCore, callSession, sessionOf, type BridgedCore, type CallEvent } from '../../electron/main/ipc-bridge';
import { StandInIpc, StandInWindow } from '../helpers/ipc-stand-ins';

const RENDERER = 'file:///opt/flowscope/out/renderer/index.html';

/** ipcMain, with a call as a window's preload would send it. */
class FakeIpc extends StandInIpc {
  call(from: FakeWindow, method: string, args: unknown = {}, frame: CallEvent['senderFrame'] = { url: `${RENDERER}#/flow/q/1`, parent: null }) {
    const handler = this.handlers.get(IPC_CALL_CHANNEL);
    if (!handler) throw new Error('No handler registered');
    return handler({ sender: { id: from.id }, senderFrame: frame }, method, args) as Promise<DispatchResult>;
  }
}

/** A window that keeps what it was sent. */
class FakeWindow extends StandInWindow {
  constructor(id: number) {
    super(id, true);
  }
}

function fakeCore() {
  const calls: { method: unknown; session: string | undefined }[] = [];
  const closed: string[] = [];
  const listeners = new Set<{ listener: (e: PushEvent) => void; session: string | undefined }>();
  const core: BridgedCore = {
    async dispatch(method, _args, session) {
      calls.push({ method, session });
      return { ok: true, result: session };
    },
    onEvent(listener, session) {
      const entry = { listener, session };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    closeSession(session) {
      closed.push(session);
    },
  };
  /** Like the core's emitter: an event for one session reaches only that session's listener. */
  const emit = (event: PushEvent, session?: string) => {
    for (const l of listeners) if (session === undefined || l.session === session) l.listener(event);
  };
  return { core, calls, closed, emit, listenerCount: () => listeners.size };
}

const queuesEvent = { event: 'queues', payload: [] } as unknown as PushEvent;

describe('the desktop IPC bridge', () => {
  it('registers one handler for the app, however many windows', async () => {
    const ipc = new FakeIpc();
    const { core } = fakeCore();
    const bridge = bridgeCore(ipc, core, RENDERER, memoryLogger());
    bridge.attach(new FakeWindow(1));
    bridge.attach(new FakeWindow(2));
    expect(ipc.registrations).toBe(1);
    expect(bridge.sessions()).toEqual(['window-1', 'window-2']);
  });

  it('gives each window its own session, taken from the sender', async () => {
    const ipc = new FakeIpc();
    const { core, calls } = fakeCore();
    const bridge = bridgeCore(ipc, core, RENDERER, memoryLogger());
    const a = new FakeWindow(1);
    const b = new FakeWindow(2);
    bridge.attach(a);
    bridge.attach(b);
    expect(await ipc.call(a, 'listQueues')).toEqual({ ok: true, result: 'window-1' });
    expect(await ipc.call(b, 'listQueues')).toEqual({ ok: true, result: 'window-2' });
    expect(calls.map((c) => c.session)).toEqual(['window-1', 'window-2']);
  });

  it('closing one window closes only its session; the other keeps working and hearing events', async () => {
    const ipc = new FakeIpc();
    const fake = fakeCore();
    const bridge = bridgeCore(ipc, fake.core, RENDERER, memoryLogger());
    const a = new FakeWindow(1);
    const b = new FakeWindow(2);
    bridge.attach(a);
    bridge.attach(b);
    a.emit('destroyed');
    expect(fake.closed).toEqual(['window-1']);
    expect(bridge.sessions()).toEqual(['window-2']);
    expect(await ipc.call(b, 'listQueues')).toEqual({ ok: true, result: 'window-2' });
    fake.emit(queuesEvent);
    expect(b.sent).toEqual([queuesEvent]);
    expect(a.sent).toEqual([]);
    // A call still in flight from the closed window is refused.
    expect((await ipc.call(a, 'listQueues')).ok).toBe(false);
  });

  it("sends a session's events only to its window, broadcasts to every window", () => {
    const fake = fakeCore();
    const bridge = bridgeCore(new FakeIpc(), fake.core, RENDERER, memoryLogger());
    const a = new FakeWindow(1);
    const b = new FakeWindow(2);
    bridge.attach(a);
    bridge.attach(b);
    fake.emit(queuesEvent, 'window-2');
    expect(a.sent).toEqual([]);
    expect(b.sent).toEqual([queuesEvent]);
    fake.emit(queuesEvent);
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(2);
  });

  it('a reload closes the views of the old page but keeps the window bridged', async () => {
    const ipc = new FakeIpc();
    const fake = fakeCore();
    const bridge = bridgeCore(ipc, fake.core, RENDERER, memoryLogger());
    const a = new FakeWindow(1);
    bridge.attach(a);
    a.emit('did-navigate');
    expect(fake.closed).toEqual(['window-1']);
    expect(await ipc.call(a, 'listQueues')).toEqual({ ok: true, result: 'window-1' });
    expect(fake.listenerCount()).toBe(1);
  });

  it('attaching the same window twice is one attachment; close() detaches all and removes the handler', () => {
    const ipc = new FakeIpc();
    const fake = fakeCore();
    const bridge = bridgeCore(ipc, fake.core, RENDERER, memoryLogger());
    const a = new FakeWindow(1);
    expect(bridge.attach(a)).toBe(bridge.attach(a));
    bridge.attach(new FakeWindow(2));
    expect(fake.listenerCount()).toBe(2);
    bridge.close();
    expect(fake.listenerCount()).toBe(0);
    expect(fake.closed.sort()).toEqual(['window-1', 'window-2']);
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuses windows it did not attach, subframes and frames not showing the renderer', async () => {
    const ipc = new FakeIpc();
    const fake = fakeCore();
    const log = memoryLogger();
    const bridge = bridgeCore(ipc, fake.core, RENDERER, log);
    const a = new FakeWindow(1);
    bridge.attach(a);
    const stranger = new FakeWindow(9);
    for (const result of [
      await ipc.call(stranger, 'listQueues'),
      await ipc.call(a, 'listQueues', {}, { url: RENDERER, parent: {} }),
      await ipc.call(a, 'listQueues', {}, { url: 'https://evil.example/', parent: null }),
      await ipc.call(a, 'listQueues', {}, null),
    ]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('FORBIDDEN_ORIGIN');
    }
    expect(fake.calls).toEqual([]);
    expect(log.entries.filter((e) => e.message === 'refused ipc call')).toHaveLength(4);
  });
});

describe('callSession', () => {
  it('is the sender window, for its top frame on the renderer only', () => {
    const top = { url: RENDERER, parent: null };
    expect(callSession({ sender: { id: 4 }, senderFrame: top }, new Set([4]), RENDERER)).toEqual({ session: sessionOf(4) });
    expect(callSession({ sender: { id: 5 }, senderFrame: top }, new Set([4]), RENDERER)).toHaveProperty('refused');
    expect(callSession({ sender: { id: 4 }, senderFrame: undefined }, new Set([4]), RENDERER)).toHaveProperty('refused');
  });
});
