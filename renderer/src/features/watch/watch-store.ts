// The client's watches (one store per client): the list the core holds for this window or
// page, kept current by `watchEvent` pushes; each event raises a notification, or, when the
// browser or desktop will not show one, a toast in the page. After the link to the core comes
// back (a new WebSocket is a new session, whose watches are gone) the flows watched before are
// watched again.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlowscopeClient } from '../../../../shared/contract';
import type { WatchEvent, WatchInfo } from '../../../../shared/domain';
import { errorInWords } from '../../transport/error-words';
import { askNotificationPermission, notify, type NotifyPermission } from './notify';
import { watchBody, watchTitle } from './watch-words';

export interface Toast {
  id: number;
  title: string;
  body: string;
  event: WatchEvent;
}

export interface WatchState {
  watches: WatchInfo[];
  toasts: Toast[];
  permission: NotifyPermission | null;
  /** The last watch call that failed, in words. */
  error: string | null;
  /** Watches (by queue and job id) with a call in flight, so a double click does not watch twice. */
  busy: string[];
}

export interface WatchApi {
  store: StoreApi<WatchState>;
  toggleFlow(queue: string, jobId: string): Promise<void>;
  toggleQueue(queue: string): Promise<void>;
  unwatch(watchId: string): Promise<void>;
  dismiss(toastId: number): void;
  /** Where a click on a notification or toast leads (set by the app: its navigation). */
  onOpen(open: (event: WatchEvent) => void): void;
}

const MAX_TOASTS = 3;
/** The same outcome of the same flow told twice (a flow watch and its queue's) within this is told once. */
const SAME_NEWS_MS = 60_000;
export const flowTarget = (queue: string, jobId: string) => `flow\u0000${queue}\u0000${jobId}`;
export const queueTarget = (queue: string) => `queue\u0000${queue}`;
export const targetOf = (w: WatchInfo) => (w.kind === 'flow' ? flowTarget(w.queue, w.jobId!) : queueTarget(w.queue));

// A test seam: exported for test/unit/renderer-watch-store.test.ts.
export function createWatchApi(client: FlowscopeClient): WatchApi {
  const store = createStore<WatchState>(() => ({ watches: [], toasts: [], permission: null, error: null, busy: [] }));
  let nextToast = 1;
  let open: (event: WatchEvent) => void = () => undefined;

  const setBusy = (target: string, on: boolean) =>
    store.setState((s) => ({ busy: on ? [...s.busy, target] : s.busy.filter((t) => t !== target) }));

  const told = new Map<string, number>();
  function tell(event: WatchEvent): void {
    const news = event.outcome === 'ended' ? `${event.watchId}:ended` : `${event.key}:${event.outcome}`;
    const now = Date.now();
    for (const [key, at] of told) if (now - at > SAME_NEWS_MS) told.delete(key);
    if (told.has(news)) return;
    told.set(news, now);
    const title = watchTitle(event);
    const body = watchBody(event);
    if (notify({ title, body, tag: news, onClick: () => open(event) })) return;
    store.setState((s) => ({ toasts: [...s.toasts, { id: nextToast++, title, body, event }].slice(-MAX_TOASTS) }));
  }

  client.onEvent((push) => {
    if (push.event === 'watchEvent') {
      const event = push.payload;
      store.setState((s) => ({
        watches:
          event.outcome === 'ended'
            ? s.watches.filter((w) => w.id !== event.watchId)
            : s.watches.map((w) => (w.id === event.watchId && w.kind === 'flow' ? { ...w, outcome: event.outcome as WatchInfo['outcome'] } : w)),
      }));
      tell(event);
    } else if (push.event === 'connectionStatus' && push.payload.state === 'connected') {
      void resync();
    }
  });

  /** Takes the core's list; flows and queues watched here that the core no longer has are watched again. */
  async function resync(): Promise<void> {
    try {
      const held = await client.call('listWatches', {});
      const heldTargets = new Set(held.map(targetOf));
      const lost = store.getState().watches.filter((w) => !heldTargets.has(targetOf(w)));
      const again: WatchInfo[] = [];
      for (const w of lost) {
        try {
          again.push(await (w.kind === 'flow' ? client.call('watchFlow', { queue: w.queue, jobId: w.jobId! }) : client.call('watchQueue', { queue: w.queue })));
        } catch {
          // Gone with its connection or its job: it is dropped from the list.
        }
      }
      store.setState({ watches: [...held, ...again] });
    } catch {
      // The next 'connected' tries again.
    }
  }

  async function start(target: string, call: () => Promise<WatchInfo>): Promise<void> {
    if (store.getState().busy.includes(target)) return;
    setBusy(target, true);
    try {
      // The first Watch click is the gesture browsers want before they ask.
      if (store.getState().permission === null || store.getState().permission === 'default') {
        store.setState({ permission: await askNotificationPermission() });
      }
      const info = await call();
      store.setState((s) => ({ watches: [...s.watches.filter((w) => w.id !== info.id), info], error: null }));
    } catch (err) {
      store.setState({ error: errorInWords(err) });
    } finally {
      setBusy(target, false);
    }
  }

  async function unwatch(watchId: string): Promise<void> {
    store.setState((s) => ({ watches: s.watches.filter((w) => w.id !== watchId) }));
    try {
      await client.call('unwatch', { watchId });
    } catch (err) {
      store.setState({ error: errorInWords(err) });
    }
  }

  async function toggle(target: string, call: () => Promise<WatchInfo>): Promise<void> {
    const existing = store.getState().watches.find((w) => targetOf(w) === target);
    if (existing) await unwatch(existing.id);
    else await start(target, call);
  }

  void resync();
  return {
    store,
    toggleFlow: (queue, jobId) => toggle(flowTarget(queue, jobId), () => client.call('watchFlow', { queue, jobId })),
    toggleQueue: (queue) => toggle(queueTarget(queue), () => client.call('watchQueue', { queue })),
    unwatch,
    dismiss: (toastId) => store.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== toastId) })),
    onOpen(fn) {
      open = fn;
    },
  };
}

const apis = new WeakMap<FlowscopeClient, WatchApi>();

/** The one watch store of a client. */
export function watchApiFor(client: FlowscopeClient): WatchApi {
  let api = apis.get(client);
  if (!api) apis.set(client, (api = createWatchApi(client)));
  return api;
}

