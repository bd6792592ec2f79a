// React access to navigation, provided once at the root.
import { useStore } from 'zustand';
import { requiredContext } from '../hooks/required-context';
import type { Navigation, NavigationState } from './navigation-store';

export const [NavigationContext, useNavigationApi] = requiredContext<Navigation>('NavigationContext');

export function useNavigation<T>(selector: (state: NavigationState) => T): T {
  return useStore(useNavigationApi().store, selector);
}
