// The flow list's data: the first page for the current queue and filters, more pages on
// request (one TanStack infinite query per queue, filters and connection). The push wiring
// (transport/query-cache.ts) refreshes the first page quietly when the queue's counts move, so
// a new or finished flow shows up without a click, unless the person has paged further.
import { useInfiniteQuery } from '@tanstack/react-query';
import type { FlowList, FlowSearch, FlowSummary } from '../../../../shared/domain';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { flowQuery, type FlowFilters } from './flow-query';

export interface FlowListState {
  flows: FlowSummary[] | null;
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** How the core read and answered the search, when there is one. */
  search: FlowSearch | null;
}

/** The pages in order, a flow a later page repeats (the list moved under the cursor) shown once. */
function merged(pages: FlowList[]): FlowSummary[] {
  const seen = new Set<string>();
  const out: FlowSummary[] = [];
  for (const page of pages) {
    for (const flow of page.flows) {
      if (seen.has(flow.key)) continue;
      seen.add(flow.key);
      out.push(flow);
    }
  }
  return out;
}

/**
 * `connectionId`: another connection lists other flows, so it is part of the query's key; until
 * the connection is known (null) nothing is asked, so the list is not read twice at start-up.
 */
export function useFlowList(queue: string | null, filters: FlowFilters, connectionId: string | null) {
  const client = useClient();
  const query = useInfiniteQuery({
    queryKey: [...queryKeys.flowList(queue, filters), connectionId],
    queryFn: ({ pageParam }) => client.call('listFlows', flowQuery(queue, filters, pageParam ?? undefined)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: connectionId !== null,
  });
  const pages = query.data?.pages ?? null;
  const state: FlowListState = {
    flows: pages ? merged(pages) : null,
    nextCursor: pages ? (pages[pages.length - 1]!.nextCursor ?? null) : null,
    loading: query.isFetching,
    error: query.error ? errorInWords(query.error) : null,
    search: pages?.[0]?.search ?? null,
  };
  return {
    ...state,
    loadMore: async () => {
      if (!query.hasNextPage || query.isFetching) return;
      await query.fetchNextPage();
    },
    reload: () => void query.refetch(),
  };
}
