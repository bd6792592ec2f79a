// What the app frame shows of the core and its Redis, through the query cache: the app's
// version (read once), the queue list (read when connected, then written by every `queues`
// push, see transport/query-cache.ts), and the Refresh that looks for new queues
// (listQueues with a rescan of the keyspace).
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FlowscopeClient } from '../../../shared/contract';
import type { QueueInfo } from '../../../shared/domain';
import { useClient } from '../transport/client-context';
import { queryKeys } from '../transport/query-cache';
import { useApp } from './use-app';

export const appInfoQuery = (client: FlowscopeClient) =>
  queryOptions({ queryKey: queryKeys.appInfo, queryFn: () => client.call('getAppInfo', {}), staleTime: Infinity });

/** Pushes keep the list current, so an answer stays fresh until a reconnect or a switch. */
export const queuesQuery = (client: FlowscopeClient, connected: boolean) =>
  queryOptions({ queryKey: queryKeys.queues, queryFn: () => client.call('listQueues', {}), enabled: connected, staleTime: Infinity });

export function useAppInfo() {
  return useQuery(appInfoQuery(useClient())).data ?? null;
}

/** The queue list query (its `data` is undefined until the first answer of this connection). */
export function useQueuesQuery<T = QueueInfo[]>(select?: (queues: QueueInfo[]) => T) {
  const connected = useApp((s) => s.status?.state === 'connected');
  return useQuery({ ...queuesQuery(useClient(), connected), select });
}

export function useQueues(): QueueInfo[] | null {
  return useQueuesQuery().data ?? null;
}

/** Looks for queues the core does not know yet (a SCAN), and shows the list it answers. */
export function useRescanQueues() {
  const client = useClient();
  const queries = useQueryClient();
  return useMutation({
    mutationFn: () => client.call('listQueues', { rescan: true }),
    onSuccess: (queues) => queries.setQueryData(queryKeys.queues, queues),
  });
}
