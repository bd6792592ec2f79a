// The app-level store: the connection status, which the core pushes as it changes (connecting,
// connected, reconnecting, another connection). It is the client's state of its link, not an
// answer to cache: the server data (app info, queue list) is read through the query cache
// (store/server-data.ts), whose answers this status enables and whose push wiring drops them on
// a switch.
import { createStore } from 'zustand/vanilla';
import type { FlowscopeClient } from '../../../shared/contract';
import type { ConnectionStatus } from '../../../shared/domain';
import { errorInWords } from '../transport/error-words';

export interface AppState {
  status: ConnectionStatus | null;
  /** The status could not be read (the core did not answer), in words for people. */
  error: string | null;
}

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore(client: FlowscopeClient) {
  const store = createStore<AppState>(() => ({ status: null, error: null }));
  let pushed = false;

  client.onEvent((push) => {
    if (push.event !== 'connectionStatus') return;
    pushed = true;
    store.setState({ status: push.payload, error: null });
  });

  client.call('getConnectionStatus', {}).then(
    // A push that came first is newer than this answer.
    (status) => !pushed && store.setState({ status, error: null }),
    (err: unknown) => store.setState({ error: errorInWords(err) }),
  );
  return store;
}
