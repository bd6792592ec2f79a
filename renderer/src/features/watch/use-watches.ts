// React access to the client's watch store.
import { useStore } from 'zustand';
import { useClient } from '../../transport/client-context';
import { watchApiFor, type WatchApi, type WatchState } from './watch-store';

export function useWatchApi(): WatchApi {
  return watchApiFor(useClient());
}

export function useWatches<T>(selector: (state: WatchState) => T): T {
  return useStore(useWatchApi().store, selector);
}
