// The flow list's data: the first page for the current queue and filters, more pages on
// request, and a quiet refresh of the first page when the queue's counts move (so a new or
// finished flow shows up without a click), unless the person has paged further.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FlowSearch, FlowSummary } from '../../../../shared/domain';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { flowQuery, type FlowFilters } from './flow-query';

export interface FlowListState {
  flows: FlowSummary[] | null;
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** How the core read and answered the search, when there is one. */
  search: FlowSearch | null;
}

/** `connectionId`: another connection lists other flows, so switching reloads the first page. */
export function useFlowList(queue: string | null, filters: FlowFilters, countsSignature: string, connectionId: string | null) {
  const client = useClient();
  const [state, setState] = useState<FlowListState>({ flows: null, nextCursor: null, loading: true, error: null, search: null });
  const generation = useRef(0);
  const pages = useRef(1);

  const loadFirst = useCallback(
    async (quiet: boolean) => {
      const mine = ++generation.current;
      pages.current = 1;
      if (!quiet) setState((s) => ({ ...s, loading: true, error: null, flows: null }));
      try {
        const list = await client.call('listFlows', flowQuery(queue, filters));
        if (mine === generation.current) setState({ flows: list.flows, nextCursor: list.nextCursor, loading: false, error: null, search: list.search ?? null });
      } catch (err) {
        if (mine === generation.current) setState((s) => ({ ...s, loading: false, error: errorInWords(err) }));
      }
    },
    // connectionId is not read inside: a new value only has to start a fresh load.
    [client, queue, filters, connectionId],
  );

  useEffect(() => {
    void loadFirst(false);
  }, [loadFirst]);

  const quietRefresh = useRef(loadFirst);
  const lastCounts = useRef(countsSignature);
  useEffect(() => {
    quietRefresh.current = loadFirst;
  }, [loadFirst]);
  useEffect(() => {
    if (lastCounts.current === countsSignature) return;
    lastCounts.current = countsSignature;
    if (pages.current === 1) void quietRefresh.current(true);
  }, [countsSignature]);

  const loadMore = async () => {
    const cursor = state.nextCursor;
    if (!cursor || state.loading) return;
    const mine = generation.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const list = await client.call('listFlows', flowQuery(queue, filters, cursor));
      if (mine !== generation.current) return;
      pages.current += 1;
      setState((s) => {
        const seen = new Set((s.flows ?? []).map((f) => f.key));
        return { ...s, flows: [...(s.flows ?? []), ...list.flows.filter((f) => !seen.has(f.key))], nextCursor: list.nextCursor, loading: false, error: null };
      });
    } catch (err) {
      if (mine === generation.current) setState((s) => ({ ...s, loading: false, error: errorInWords(err) }));
    }
  };

  return { ...state, loadMore, reload: () => void loadFirst(false) };
}
