// Where the person is: the route (kept in the URL hash, so a link opens the same view) and
// the queue picked in the sidebar (independent of the open flow: browsing another queue's
// flows does not close the graph).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { formatRoute, parseRoute, type Route } from './route';

export interface NavigationState {
  route: Route;
  selectedQueue: string | null;
}

export interface Navigation {
  store: StoreApi<NavigationState>;
  navigate(route: Route): void;
  selectQueue(queue: string | null): void;
}

export function createNavigation(win: Pick<Window, 'location' | 'addEventListener'>): Navigation {
  const initial = parseRoute(win.location.hash);
  const store = createStore<NavigationState>(() => ({
    route: initial,
    selectedQueue: initial.view === 'flow' ? initial.queue : null,
  }));
  win.addEventListener('hashchange', () => {
    const route = parseRoute(win.location.hash);
    const { selectedQueue } = store.getState();
    store.setState({ route, selectedQueue: selectedQueue ?? (route.view === 'flow' ? route.queue : null) });
  });
  return {
    store,
    navigate(route) {
      const hash = formatRoute(route);
      // Setting the same hash fires no event; there is nothing to do then anyway.
      if (win.location.hash !== hash) win.location.hash = hash;
    },
    selectQueue(queue) {
      store.setState({ selectedQueue: queue });
    },
  };
}
