// React access to the client's watches: the list (a query), whether a Watch call on a target
// runs (a mutation), and the store of toasts, permission and the last error.
import { useIsMutating, useQuery, useQueryClient } from '@tanstack/react-query';
import { useStore } from 'zustand';
import type { WatchInfo } from '../../../../shared/domain';
import { useClient } from '../../transport/client-context';
import { watchApiFor, watchMutationKey, type WatchApi, type WatchState } from './watch-store';

export function useWatchApi(): WatchApi {
  return watchApiFor(useClient(), useQueryClient());
}

export function useWatches<T>(selector: (state: WatchState) => T): T {
  return useStore(useWatchApi().store, selector);
}

export function useWatchList(): WatchInfo[] {
  return useQuery(useWatchApi().listQuery).data ?? [];
}

/** True while a Watch / Stop watching call on this target runs. */
export function useWatchBusy(target: string): boolean {
  return useIsMutating({ mutationKey: watchMutationKey(target) }) > 0;
}
