// React access to the app store, provided once at the root.
import { useStore } from 'zustand';
import { requiredContext } from '../hooks/required-context';
import type { AppState, AppStore } from './app-store';

const [AppStoreContext, useAppStore] = requiredContext<AppStore>('AppStoreContext');
export { AppStoreContext };

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}
