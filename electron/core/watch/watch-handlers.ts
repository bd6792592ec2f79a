// Contract methods of watches (see watch-service.ts). None of them writes to Redis: allowed on a
// read-only connection.
import type { Handlers } from '../dispatch';
import type { WatchService } from './watch-service';

export function watchHandlers(watches: WatchService): Pick<Handlers, 'watchFlow' | 'watchQueue' | 'unwatch' | 'listWatches'> {
  return {
    watchFlow: ({ queue, jobId }, { session }) => watches.watchFlow(session, queue, jobId),
    watchQueue: ({ queue }, { session }) => watches.watchQueue(session, queue),
    unwatch: ({ watchId }, { session }) => ({ unwatched: watches.unwatch(session, watchId) }),
    listWatches: (_args, { session }) => watches.list(session),
  };
}
