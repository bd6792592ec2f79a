// The connection picker's data, through the query cache: the list (sandbox first, then the one
// given at start, then saved ones), and the calls that change it. Every call answers with words for the person;
// nothing here throws into React.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import type { ConnectionList, ConnectionStatus, ConnectionTest, SavedConnection } from '../../../../shared/domain';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { outcomeOf, type Outcome } from '../../transport/result';

export type { Outcome } from '../../transport/result';

export interface Connections {
  list: ConnectionList | null;
  loadError: string | null;
  reload(): Promise<void>;
  save(input: MethodInput<'saveConnection'>): Promise<Outcome<SavedConnection>>;
  remove(id: string): Promise<Outcome<boolean>>;
  test(input: MethodInput<'testConnection'>): Promise<ConnectionTest>;
  use(id: string): Promise<Outcome<ConnectionStatus>>;
}

export function useConnections(): Connections {
  const client = useClient();
  const queries = useQueryClient();
  const connections = useQuery({ queryKey: queryKeys.connections, queryFn: () => client.call('listConnections', {}) });
  const reload = async () => {
    await connections.refetch();
  };

  /** Runs a call, reloads the list after it, and turns a thrown error into words. */
  const attempt = async <T,>(call: () => Promise<T>): Promise<Outcome<T>> => {
    const outcome = await outcomeOf(call);
    if (outcome.ok) await queries.invalidateQueries({ queryKey: queryKeys.connections });
    return outcome;
  };

  const list = connections.data ?? null;
  const loadError = connections.error ? errorInWords(connections.error) : null;
  return {
    list,
    loadError,
    reload,
    save: (input) => attempt(() => client.call('saveConnection', input)),
    remove: (id) => attempt(async () => (await client.call('removeConnection', { id })).removed),
    async test(input) {
      try {
        return await client.call('testConnection', input);
      } catch (err) {
        // A malformed URL is refused before any test: say so in the same place as a failed test.
        return { ok: false, message: errorInWords(err) };
      }
    },
    use: (id) => attempt(() => client.call('useConnection', { id })),
  };
}
