// The client's watches (one per client): the list the core holds for this window or page is a
// query (queryKeys.watches) that `watchEvent` pushes update in place; each event raises a
// notification, or, when the browser or desktop will not show one, a toast in the page (the
// store here holds the toasts, the permission and the last failed call). A Watch click is a
// mutation keyed by its target, so a double click does not watch twice and the button knows it
// is busy (useIsMutating). After the link to the core comes back (a new WebSocket is a new
// session, whose watches are gone) the list is read again and the flows watched before are
// watched again.
import { MutationObserver, queryOptions, type QueryClient } from '@tanstack/react-query';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlowscopeClient } from '../../../../shared/contract';
import type { WatchEvent, WatchInfo } from '../../../../shared/domain';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { askNotificationPermission, notify, type NotifyPermission } from './notify';
import { watchBody, watchTitle } from './watch-words';

export interface Toast {
  id: number;
  title: string;
  body: string;
  event: WatchEvent;
}

export interface WatchState {
  toasts: Toast[];
  permission: NotifyPermission | null;
  /** The last watch call that failed, in words. */
  error: string | null;
}

export interface WatchApi {
  store: StoreApi<WatchState>;
  /** The watch list query (read by useQuery; pushes and clicks write it). */
  listQuery: ReturnType<typeof watchesQuery>;
  /** The list as cached now. */
  watches(): WatchInfo[];
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
/** The key of the Watch / Stop watching calls on one target (useIsMutating tells they run). */
export const watchMutationKey = (target: string) => ['watch', target] as const;

/** The list after one event: an ended watch leaves it, a flow watch takes the outcome. */
function withEvent(watches: WatchInfo[], event: WatchEvent): WatchInfo[] {
  if (event.outcome === 'ended') return watches.filter((w) => w.id !== event.watchId);
  return watches.map((w) => (w.id === event.watchId && w.kind === 'flow' ? { ...w, outcome: event.outcome as WatchInfo['outcome'] } : w));
}

/**
 * The core's list; flows and queues in the list cached before that the core no longer has are
 * watched again (a new session after the link came back). Pushes keep it current, so it stays
 * fresh until invalidated.
 */
function watchesQuery(client: FlowscopeClient, cache: QueryClient) {
  return queryOptions({
    queryKey: queryKeys.watches,
    staleTime: Infinity,
    queryFn: async (): Promise<WatchInfo[]> => {
      const held = await client.call('listWatches', {});
      const heldTargets = new Set(held.map(targetOf));
      const lost = (cache.getQueryData<WatchInfo[]>(queryKeys.watches) ?? []).filter((w) => !heldTargets.has(targetOf(w)));
      const again: WatchInfo[] = [];
      for (const w of lost) {
        try {
          again.push(await (w.kind === 'flow' ? client.call('watchFlow', { queue: w.queue, jobId: w.jobId! }) : client.call('watchQueue', { queue: w.queue })));
        } catch {
          // Gone with its connection or its job: it is dropped from the list.
        }
      }
      return [...held, ...again];
    },
  });
}

// A test seam: exported for test/unit/renderer-watch-store.test.ts.
export function createWatchApi(client: FlowscopeClient, cache: QueryClient): WatchApi {
  const store = createStore<WatchState>(() => ({ toasts: [], permission: null, error: null }));
  const listQuery = watchesQuery(client, cache);
  const watches = () => cache.getQueryData<WatchInfo[]>(queryKeys.watches) ?? [];
  const setWatches = (update: (list: WatchInfo[]) => WatchInfo[]) => cache.setQueryData<WatchInfo[]>(queryKeys.watches, (list) => update(list ?? []));
  let nextToast = 1;
  let open: (event: WatchEvent) => void = () => undefined;

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
      setWatches((list) => withEvent(list, push.payload));
      tell(push.payload);
    } else if (push.event === 'connectionStatus' && push.payload.state === 'connected') {
      // Maybe a new session: read the list again (and watch again what it lost).
      void cache.invalidateQueries({ queryKey: queryKeys.watches, refetchType: 'all' });
    }
  });

  /** Runs a Watch / Stop watching call as the target's mutation; a second one while it runs is dropped. */
  async function mutate(target: string, run: () => Promise<void>): Promise<void> {
    const mutationKey = watchMutationKey(target);
    if (cache.isMutating({ mutationKey }) > 0) return;
    await new MutationObserver(cache, { mutationKey, mutationFn: run }).mutate().catch(() => undefined);
  }

  async function start(call: () => Promise<WatchInfo>): Promise<void> {
    try {
      // The first Watch click is the gesture browsers want before they ask.
      if (store.getState().permission === null || store.getState().permission === 'default') {
        store.setState({ permission: await askNotificationPermission() });
      }
      const info = await call();
      setWatches((list) => [...list.filter((w) => w.id !== info.id), info]);
      store.setState({ error: null });
    } catch (err) {
      store.setState({ error: errorInWords(err) });
    }
  }

  async function unwatch(watchId: string): Promise<void> {
    setWatches((list) => list.filter((w) => w.id !== watchId));
    try {
      await client.call('unwatch', { watchId });
    } catch (err) {
      store.setState({ error: errorInWords(err) });
    }
  }

  async function toggle(target: string, call: () => Promise<WatchInfo>): Promise<void> {
    await mutate(target, async () => {
      const existing = watches().find((w) => targetOf(w) === target);
      if (existing) await unwatch(existing.id);
      else await start(call);
    });
  }

  void cache.prefetchQuery(listQuery);
  return {
    store,
    listQuery,
    watches,
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
export function watchApiFor(client: FlowscopeClient, cache: QueryClient): WatchApi {
  let api = apis.get(client);
  if (!api) apis.set(client, (api = createWatchApi(client, cache)));
  return api;
}

