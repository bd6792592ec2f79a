// The app store across a connection switch: the old connection's queues are dropped at once
// and the new connection's are read when it is connected.
import { describe, expect, it } from 'vitest';
import type { FlowscopeClient, MethodName, PushEvent } from '../../shared/contract';
import type { ConnectionStatus, QueueInfo } from '../../shared/domain';
import { createAppStore } from '../../renderer/src/store/app-store';

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

describe('app store', () => {
  it('drops the queues on a switch and reads the new connection’s when it is connected', async () => {
    let current = status('sandbox', 'connected');
    let queues = [queue('emails')];
    const listeners = new Set<(e: PushEvent) => void>();
    const calls: MethodName[] = [];
    const client: FlowscopeClient = {
      async call(method) {
        calls.push(method);
        if (method === 'getAppInfo') return { name: 'Flowscope', version: '0', shell: 'web' } as never;
        if (method === 'getConnectionStatus') return current as never;
        if (method === 'listQueues') return queues as never;
        throw new Error(method);
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const push = (payload: ConnectionStatus) => listeners.forEach((l) => l({ event: 'connectionStatus', payload }));
    const store = createAppStore(client);
    await settle();
    expect(store.getState().queues?.map((q) => q.name)).toEqual(['emails']);

    current = status('staging', 'connecting');
    queues = [queue('orders')];
    push(current);
    expect(store.getState().queues).toBeNull();
    expect(store.getState().status?.readOnly).toBe(true);

    current = status('staging', 'connected');
    push(current);
    await settle();
    expect(store.getState().queues?.map((q) => q.name)).toEqual(['orders']);
    expect(calls.filter((m) => m === 'listQueues')).toHaveLength(2);
  });
});
