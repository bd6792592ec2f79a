// React access to navigation, provided once at the root.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Navigation, NavigationState } from './navigation-store';

export const NavigationContext = createContext<Navigation | null>(null);

export function useNavigationApi(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('NavigationContext is missing');
  return navigation;
}

export function useNavigation<T>(selector: (state: NavigationState) => T): T {
  return useStore(useNavigationApi().store, selector);
}
