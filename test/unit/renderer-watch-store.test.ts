// The renderer's watch store (renderer/src/features/watch/watch-store.ts) against a client that
// answers like the core: permission is asked on the first Watch click only, an event raises one
// notification (told once when a flow watch and its queue's both report it), a denied
// permission puts it in a toast instead, an ended watch leaves the list, and the flows watched
// before the link to the core came back are watched again; a double click watches once. The
// list lives in a real QueryClient. window.Notification is a recorder.
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowscopeClient, MethodName, PushEvent } from '../../shared/contract';
import type { WatchEvent, WatchInfo } from '../../shared/domain';
import { createWatchApi } from '../../renderer/src/features/watch/watch-store';
import { createQueryClient } from '../../renderer/src/transport/query-cache';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function recorder(answer: NotificationPermission) {
  const shown: { title: string; body?: string; tag?: string }[] = [];
  let asked = 0;
  class RecordingNotification {
    static permission: NotificationPermission = 'default';
    static async requestPermission() {
      asked += 1;
      RecordingNotification.permission = answer;
      return answer;
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body, tag: options?.tag });
    }
    close() {}
  }
  (globalThis as unknown as { window: unknown }).window = { Notification: RecordingNotification, focus() {} };
  return { shown, asked: () => asked };
}

afterEach(() => {
  delete (globalThis as unknown as { window?: unknown }).window;
});

function fakeCore() {
  const listeners = new Set<(e: PushEvent) => void>();
  const held: WatchInfo[] = [];
  const calls: MethodName[] = [];
  let n = 0;
  const client: FlowscopeClient = {
    async call(method, args) {
      calls.push(method);
      const a = args as { queue?: string; jobId?: string; watchId?: string };
      if (method === 'listWatches') return [...held] as never;
      if (method === 'watchFlow' || method === 'watchQueue') {
        const info: WatchInfo = {
          id: `w${++n}`,
          kind: method === 'watchFlow' ? 'flow' : 'queue',
          queue: a.queue!,
          jobId: a.jobId ?? null,
          key: a.jobId ? `bull:${a.queue}:${a.jobId}` : null,
          name: a.jobId ? 'report' : null,
          outcome: null,
          since: n,
        };
        held.push(info);
        return info as never;
      }
      if (method === 'unwatch') {
        const at = held.findIndex((w) => w.id === a.watchId);
        if (at >= 0) held.splice(at, 1);
        return { unwatched: at >= 0 } as never;
      }
      throw new Error(method);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (e: PushEvent) => listeners.forEach((l) => l(e));
  const event = (watch: WatchInfo, extra: Partial<WatchEvent>): PushEvent => ({
    event: 'watchEvent',
    payload: { watchId: watch.id, kind: watch.kind, outcome: 'completed', queue: 'reports', jobId: '1', key: 'bull:reports:1', name: 'report', detail: 'reports/1 (report) completed', at: 0, ...extra },
  });
  return { client, held, calls, push, event };
}

describe('watch store', () => {
  it('asks permission on the first Watch click only, and notifies once per flow and outcome', async () => {
    const notes = recorder('granted');
    const core = fakeCore();
    const api = createWatchApi(core.client, createQueryClient());
    await api.toggleFlow('reports', '1');
    await api.toggleQueue('reports');
    expect(notes.asked()).toBe(1);
    const [flow, queue] = api.watches();
    expect(flow).toMatchObject({ kind: 'flow', queue: 'reports', jobId: '1' });

    core.push(core.event(flow!, {}));
    core.push(core.event(queue!, {}));
    expect(notes.shown).toEqual([{ title: 'Flow report completed', body: 'reports · #1', tag: 'bull:reports:1:completed' }]);
    expect(api.watches()[0]?.outcome).toBe('completed');
    expect(api.store.getState().toasts).toEqual([]);

    // A second click on the same flow stops its watch.
    await api.toggleFlow('reports', '1');
    expect(api.watches().map((w) => w.kind)).toEqual(['queue']);
    expect(core.held.map((w) => w.kind)).toEqual(['queue']);
  });

  it('puts the outcome in a toast when notifications are denied, and drops an ended watch', async () => {
    const notes = recorder('denied');
    const core = fakeCore();
    const api = createWatchApi(core.client, createQueryClient());
    await api.toggleFlow('reports', '1');
    expect(api.store.getState().permission).toBe('denied');
    const [flow] = api.watches();
    core.push(core.event(flow!, { outcome: 'stuck', detail: 'steps/2 (render) failed (oom) with no failure policy: the flow waits for ever' }));
    expect(notes.shown).toEqual([]);
    expect(api.store.getState().toasts).toMatchObject([
      { title: 'Flow report is stuck', body: 'reports · #1: steps/2 (render) failed (oom) with no failure policy: the flow waits for ever' },
    ]);
    core.push(core.event(flow!, { outcome: 'ended', detail: 'The watch ended: the connection was switched' }));
    expect(api.watches()).toEqual([]);
    api.dismiss(api.store.getState().toasts[0]!.id);
    expect(api.store.getState().toasts.map((t) => t.title)).toEqual(['Watch ended: report']);
  });

  it('watches again what the core lost when the link to it comes back (a new session)', async () => {
    recorder('granted');
    const core = fakeCore();
    const api = createWatchApi(core.client, createQueryClient());
    await api.toggleFlow('reports', '1');
    core.held.splice(0); // the host restarted: the new session holds nothing
    core.push({ event: 'connectionStatus', payload: { connectionId: 'sandbox', state: 'connected', kind: 'sandbox', target: 's', prefix: 'bull', readOnly: false } });
    await settle();
    await settle();
    expect(core.held).toMatchObject([{ kind: 'flow', queue: 'reports', jobId: '1' }]);
    expect(api.watches()).toEqual(core.held);
  });

  it('watches once when Watch is clicked twice before the core answers', async () => {
    recorder('granted');
    const core = fakeCore();
    const api = createWatchApi(core.client, createQueryClient());
    await settle();
    await Promise.all([api.toggleFlow('reports', '1'), api.toggleFlow('reports', '1')]);
    expect(core.calls.filter((m) => m === 'watchFlow')).toHaveLength(1);
    expect(api.watches()).toHaveLength(1);
  });
});
