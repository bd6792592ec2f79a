// Where the person is: the route (kept in the URL hash, so a link opens the same view) and the
// scope of the flow list in the sidebar: the queue picked there, and `listReset`, which moves
// when the list's typed filters must be cleared.
//
// The list's scope is the person's own choice, never derived from the route: opening a flow
// (from the list, a deep link, a reload) does not narrow the list to that flow's queue. And it
// never sits stale beside an unrelated flow: a flow opened from outside the app (a link pasted
// or followed, back/forward) resets the list to every queue with no filters, and a flow opened
// inside the app in a queue other than the picked one widens the list to every queue. Picking a
// queue while a flow is open keeps the flow (browsing another queue does not close the graph).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { formatRoute, parseRoute, type Route } from './route';

export interface NavigationState {
  route: Route;
  selectedQueue: string | null;
  /** Changes when the flow list's filters (search, name, state) are to be cleared. */
  listReset: number;
}

export interface Navigation {
  store: StoreApi<NavigationState>;
  navigate(route: Route): void;
  selectQueue(queue: string | null): void;
}

/** The queues a route's view is about: the flow's, and the selected job's when it has one. */
function routeQueues(route: Route, prefix: (key: string) => string | null): string[] {
  if (route.view !== 'flow') return [];
  const selected = route.select ? prefix(route.select) : null;
  return selected ? [route.queue, selected] : [route.queue];
}

export function createNavigation(win: Pick<Window, 'location' | 'addEventListener'>): Navigation {
  const store = createStore<NavigationState>(() => ({
    route: parseRoute(win.location.hash),
    selectedQueue: null,
    listReset: 0,
  }));
  // The hash this app set last, to tell its own navigations from a link opened from outside.
  let ownHash: string | null = null;
  // A selected job's queue, from its key: the segment before the id. Only compared with the
  // picked queue, so a queue name with ':' at worst widens the list once more than needed.
  const queueOfKey = (key: string) => {
    const parts = key.split(':');
    return parts.length >= 3 ? parts[parts.length - 2]! : null;
  };

  win.addEventListener('hashchange', () => {
    const route = parseRoute(win.location.hash);
    const own = ownHash !== null && formatRoute(route) === ownHash;
    ownHash = null;
    const { selectedQueue, listReset } = store.getState();
    if (!own) {
      store.setState({ route, selectedQueue: null, listReset: listReset + 1 });
      return;
    }
    const outside = selectedQueue !== null && route.view === 'flow' && !routeQueues(route, queueOfKey).includes(selectedQueue);
    store.setState({ route, selectedQueue: outside ? null : selectedQueue });
  });
  return {
    store,
    navigate(route) {
      const hash = formatRoute(route);
      // Setting the same hash fires no event; there is nothing to do then anyway.
      if (win.location.hash === hash) return;
      ownHash = hash;
      win.location.hash = hash;
    },
    selectQueue(queue) {
      store.setState({ selectedQueue: queue });
    },
  };
}
