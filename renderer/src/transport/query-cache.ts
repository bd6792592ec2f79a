// The renderer's requests go through one TanStack Query cache. Its keys are named here, and
// the core's push events keep it current: a push that carries the data itself (scenarioRuns,
// queues) writes it into the cache; one that says data moved invalidates what it moved (queues:
// the flow lists, when a count changed); a switch to another connection drops every answer of
// the old one (not the saved connections, the app's version or the scenario catalogue), and
// Redis coming back refetches them all. Watch events update the watch list in
// features/watch/watch-store.ts, which also raises their notifications; the inspector's job
// reads are invalidated when the live node they describe changes.
// The live flow view is not here: its store (features/flow-view/flow-store.ts) is fed by
// flowSnapshot/flowPatch pushes and applies them per animation frame.
import { QueryClient } from '@tanstack/react-query';
import type { FlowscopeClient } from '../../../shared/contract';
import type { ConnectionStatus, QueueInfo } from '../../../shared/domain';

export const queryKeys = {
  appInfo: ['appInfo'] as const,
  /** The queue list (listQueues), written by every `queues` push. */
  queues: ['queues'] as const,
  connections: ['connections'] as const,
  scenarios: ['scenarios'] as const,
  scenarioRuns: ['scenarioRuns'] as const,
  stoppedScenarios: ['stoppedScenarios'] as const,
  /** Every flow list; one per queue and filters under it. */
  flows: ['flows'] as const,
  flowList: (queue: string | null, filters: unknown) => ['flows', queue, filters] as const,
  /** Every flow's history; one per root key under it. */
  flowHistory: ['flowHistory'] as const,
  flowHistoryOf: (rootKey: string) => ['flowHistory', rootKey] as const,
  watches: ['watches'] as const,
  /** Every read of a job (getJob); one per key and log-line count under it. */
  job: ['job'] as const,
  jobOf: (key: string) => ['job', key] as const,
  jobDetail: (key: string, logLines: number) => ['job', key, logLines] as const,
  /** The whole text of a job field getJob answered cut (getJobField, chunk by chunk). */
  jobField: (key: string, field: string, size: number) => ['jobField', key, field, size] as const,
  /** The repair actions' dry runs on a parent, per the node's version they were asked for. */
  repairChecks: (key: string, version: string) => ['repairChecks', key, version] as const,
};

/** Answers that do not depend on the Redis in use: a switch keeps them. */
const SAME_ON_EVERY_CONNECTION = new Set<string>([queryKeys.connections[0], queryKeys.scenarios[0], queryKeys.appInfo[0]]);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // The core is local and pushes what changes: no retries on error (the error is shown with
      // a Try again), no refetch on focus; an answer is stale as soon as it arrives, so a panel
      // that opens asks again.
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 0 },
      mutations: { retry: false },
    },
  });
}

/** Each queue's counts, which move when a flow is added or finishes. */
function countsOf(queues: QueueInfo[]): Map<string, string> {
  return new Map(queues.map((q) => [q.name, JSON.stringify(q.counts)]));
}

/** The queues whose counts differ between two lists (one that came or went counts too). */
function moved(before: Map<string, string>, after: Map<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [name, counts] of after) if (before.get(name) !== counts) names.add(name);
  for (const name of before.keys()) if (!after.has(name)) names.add(name);
  return names;
}

/** Feeds the cache from the client's push events; returns the unsubscribe. */
export function connectPushToCache(client: Pick<FlowscopeClient, 'onEvent'>, cache: QueryClient): () => void {
  let status: ConnectionStatus | null = null;
  let counts: Map<string, string> | null = null;
  return client.onEvent((push) => {
    switch (push.event) {
      case 'connectionStatus': {
        const before = status;
        status = push.payload;
        const switched = before !== null && push.payload.connectionId !== '' && push.payload.connectionId !== before.connectionId;
        if (switched) {
          // Another Redis: nothing cached is true of it, even for a moment.
          counts = null;
          void cache.resetQueries({ predicate: (q) => !SAME_ON_EVERY_CONNECTION.has(String(q.queryKey[0])) });
        } else if (push.payload.state === 'connected' && before !== null && before.state !== 'connected') {
          void cache.invalidateQueries();
        }
        break;
      }
      case 'queues': {
        cache.setQueryData(queryKeys.queues, push.payload);
        const next = countsOf(push.payload);
        const changed = counts === null ? new Set<string>() : moved(counts, next);
        counts = next;
        if (changed.size === 0) break;
        // The list of a queue whose counts moved (or of every queue) refreshes, if it shows only
        // its first page: one paged further keeps its place.
        void cache.invalidateQueries({
          queryKey: queryKeys.flows,
          predicate: (q) => {
            const queue = q.queryKey[1];
            const firstPageOnly = ((q.state.data as { pages?: unknown[] } | undefined)?.pages?.length ?? 1) <= 1;
            return firstPageOnly && (queue === null || (typeof queue === 'string' && changed.has(queue)));
          },
        });
        break;
      }
      case 'scenarioRuns':
        cache.setQueryData(queryKeys.scenarioRuns, push.payload);
        break;
      default:
        break;
    }
  });
}
