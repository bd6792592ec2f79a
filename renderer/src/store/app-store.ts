// The app-level store: connection status, app info and the queue list, fed by the client's
// answers and push events.
import { createStore } from 'zustand/vanilla';
import type { FlowscopeClient } from '../../../shared/contract';
import type { AppInfo, ConnectionStatus, QueueInfo } from '../../../shared/domain';

export interface AppState {
  info: AppInfo | null;
  status: ConnectionStatus | null;
  queues: QueueInfo[] | null;
  /** The last error of a call, in words for people. */
  error: string | null;
}

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore(client: FlowscopeClient) {
  const store = createStore<AppState>(() => ({ info: null, status: null, queues: null, error: null }));

  const load = async () => {
    try {
      const [info, status] = await Promise.all([client.call('getAppInfo', {}), client.call('getConnectionStatus', {})]);
      store.setState({ info, status });
      if (status.state === 'connected') store.setState({ queues: await client.call('listQueues', {}), error: null });
    } catch (err) {
      store.setState({ error: (err as Error).message });
    }
  };

  client.onEvent((push) => {
    if (push.event === 'connectionStatus') {
      const before = store.getState().status;
      const wasConnected = before?.state === 'connected';
      // Another connection is another Redis: its queues are not the old ones, even for a moment.
      const switched = before !== null && push.payload.connectionId !== '' && push.payload.connectionId !== before.connectionId;
      store.setState(switched ? { status: push.payload, queues: null } : { status: push.payload });
      // After the host or Redis comes back, or on another connection, reload what the view shows.
      if (push.payload.state === 'connected' && (!wasConnected || switched)) void load();
    } else if (push.event === 'queues') {
      store.setState({ queues: push.payload, error: null });
    }
  });

  void load();
  return store;
}
