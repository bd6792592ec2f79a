// The push → query cache wiring (renderer/src/transport/query-cache.ts), with a real
// QueryClient and no browser: scenarioRuns pushes write the cache, a count change refreshes
// the flow lists of that queue (first page only), a switch drops the old connection's answers,
// Redis coming back refetches, a queues push is the queue list.
import { describe, expect, it } from 'vitest';
import type { FlowscopeClient, PushEvent } from '../../shared/contract';
import type { ConnectionStatus, QueueInfo } from '../../shared/domain';
import { connectPushToCache, createQueryClient, queryKeys } from '../../renderer/src/transport/query-cache';

function pushes() {
  const listeners = new Set<(e: PushEvent) => void>();
  const client: Pick<FlowscopeClient, 'onEvent'> = {
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { client, push: (e: PushEvent) => listeners.forEach((l) => l(e)) };
}

const status = (state: ConnectionStatus['state'], connectionId: string) => ({ state, connectionId }) as ConnectionStatus;
const queue = (name: string, waiting: number) => ({ name, counts: { waiting } }) as unknown as QueueInfo;

describe('push events → query cache', () => {
  it('writes scenarioRuns pushes into the cache', () => {
    const cache = createQueryClient();
    const { client, push } = pushes();
    connectPushToCache(client, cache);
    push({ event: 'scenarioRuns', payload: [] });
    expect(cache.getQueryData(queryKeys.scenarioRuns)).toEqual([]);
  });

  it('invalidates the flow list of a queue whose counts moved, unless it was paged further', () => {
    const cache = createQueryClient();
    const { client, push } = pushes();
    connectPushToCache(client, cache);
    const firstPage = { pages: [{ flows: [] }], pageParams: [null] };
    cache.setQueryData(queryKeys.flowList('a', {}), firstPage);
    cache.setQueryData(queryKeys.flowList('b', {}), firstPage);
    cache.setQueryData(queryKeys.flowList(null, {}), firstPage);
    cache.setQueryData(queryKeys.flowList('a', { name: 'paged' }), { pages: [{ flows: [] }, { flows: [] }], pageParams: [null, 'c'] });
    const invalid = (key: readonly unknown[]) => cache.getQueryState(key)?.isInvalidated ?? false;

    push({ event: 'queues', payload: [queue('a', 1), queue('b', 1)] });
    expect(invalid(queryKeys.flowList('a', {}))).toBe(false); // the first list only sets the baseline

    push({ event: 'queues', payload: [queue('a', 1), queue('b', 1)] });
    expect(invalid(queryKeys.flowList(null, {}))).toBe(false); // nothing moved

    push({ event: 'queues', payload: [queue('a', 2), queue('b', 1)] });
    expect(invalid(queryKeys.flowList('a', {}))).toBe(true);
    expect(invalid(queryKeys.flowList(null, {}))).toBe(true);
    expect(invalid(queryKeys.flowList('b', {}))).toBe(false);
    expect(invalid(queryKeys.flowList('a', { name: 'paged' }))).toBe(false);
  });

  it('drops the answers of the old Redis on a switch to another connection and refetches when Redis comes back', () => {
    const cache = createQueryClient();
    const { client, push } = pushes();
    connectPushToCache(client, cache);
    push({ event: 'connectionStatus', payload: status('connected', 'one') });
    cache.setQueryData(queryKeys.connections, { connections: ['x'] });
    cache.setQueryData(queryKeys.flowHistoryOf('bull:q:1'), { entries: [], complete: true });

    push({ event: 'connectionStatus', payload: status('reconnecting', 'one') });
    expect(cache.getQueryState(queryKeys.connections)?.isInvalidated).toBe(false);
    push({ event: 'connectionStatus', payload: status('connected', 'one') });
    expect(cache.getQueryState(queryKeys.connections)?.isInvalidated).toBe(true);
    expect(cache.getQueryData(queryKeys.connections)).toEqual({ connections: ['x'] });

    push({ event: 'connectionStatus', payload: status('connected', 'two') });
    expect(cache.getQueryData(queryKeys.connections)).toEqual({ connections: ['x'] }); // the same on every connection
    expect(cache.getQueryData(queryKeys.flowHistoryOf('bull:q:1'))).toBeUndefined();
  });

  it('writes each queues push as the queue list, and stops listening when told', () => {
    const cache = createQueryClient();
    const { client, push } = pushes();
    const stop = connectPushToCache(client, cache);
    push({ event: 'queues', payload: [queue('a', 1)] });
    expect(cache.getQueryData(queryKeys.queues)).toEqual([queue('a', 1)]);
    push({ event: 'queues', payload: [queue('a', 2), queue('b', 0)] });
    expect(cache.getQueryData<QueueInfo[]>(queryKeys.queues)?.map((q) => q.name)).toEqual(['a', 'b']);
    stop();
    push({ event: 'scenarioRuns', payload: [] });
    expect(cache.getQueryData(queryKeys.scenarioRuns)).toBeUndefined();
  });
});
