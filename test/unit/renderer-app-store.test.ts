// The app's server data across a connection switch (renderer/src/store/app-store.ts and
// server-data.ts, with the push wiring of transport/query-cache.ts and a real QueryClient): the
// status follows the pushes, the old connection's queues are dropped at once, the new
// connection's are read when it is connected, and a `queues` push is the list.
import { QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { FlowscopeClient, MethodName, PushEvent } from '../../shared/contract';
import type { ConnectionStatus, QueueInfo } from '../../shared/domain';
import { createAppStore } from '../../renderer/src/store/app-store';
import { queuesQuery } from '../../renderer/src/store/server-data';
import { connectPushToCache, createQueryClient } from '../../renderer/src/transport/query-cache';

const status = (connectionId: string, state: ConnectionStatus['state']): ConnectionStatus => ({
  connectionId,
  state,
  kind: connectionId === 'sandbox' ? 'sandbox' : 'url',
  target: connectionId,
  prefix: 'bull',
  readOnly: connectionId !== 'sandbox',
});

const queue = (name: string): QueueInfo => ({
  name,
  key: `bull:${name}`,
  counts: { completed: 0, failed: 0, active: 0, waiting: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, paused: 0 },
  version: null,
  paused: false,
  compat: { ok: true, layout: null, basis: 'keys' },
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('app store and queue list', () => {
  it('drops the queues on a switch and reads the new connection’s when it is connected', async () => {
    let current = status('sandbox', 'connected');
    let queues = [queue('emails')];
    const listeners = new Set<(e: PushEvent) => void>();
    const calls: MethodName[] = [];
    const client: FlowscopeClient = {
      async call(method) {
        calls.push(method);
        if (method === 'getConnectionStatus') return current as never;
        if (method === 'listQueues') return queues as never;
        throw new Error(method);
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const push = (e: PushEvent) => listeners.forEach((l) => l(e));
    const cache = createQueryClient();
    connectPushToCache(client, cache);
    const store = createAppStore(client);
    await settle();
    expect(store.getState().status?.connectionId).toBe('sandbox');
    // The queue list as the sidebar observes it: enabled while connected.
    const connected = () => store.getState().status?.state === 'connected';
    const observer = new QueryObserver(cache, queuesQuery(client, connected()));
    const stop = observer.subscribe(() => undefined);
    store.subscribe(() => observer.setOptions(queuesQuery(client, connected())));
    push({ event: 'connectionStatus', payload: current });
    await settle();
    expect(observer.getCurrentResult().data?.map((q) => q.name)).toEqual(['emails']);

    current = status('staging', 'connecting');
    queues = [queue('orders')];
    push({ event: 'connectionStatus', payload: current });
    expect(observer.getCurrentResult().data).toBeUndefined();
    expect(store.getState().status?.readOnly).toBe(true);

    current = status('staging', 'connected');
    push({ event: 'connectionStatus', payload: current });
    await settle();
    expect(observer.getCurrentResult().data?.map((q) => q.name)).toEqual(['orders']);
    expect(calls.filter((m) => m === 'listQueues')).toHaveLength(2);

    push({ event: 'queues', payload: [queue('orders'), queue('refunds')] });
    expect(observer.getCurrentResult().data?.map((q) => q.name)).toEqual(['orders', 'refunds']);
    expect(calls.filter((m) => m === 'listQueues')).toHaveLength(2);
    stop();
  });
});
