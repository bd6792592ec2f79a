// Contract methods of live flow views.
import type { Handlers } from '../dispatch';
import type { FlowSubscriptions } from './flow-subscriptions';
import { DEFAULT_DEPTH, DEFAULT_PAGE_SIZE } from '../tree';

export function liveHandlers(current: () => FlowSubscriptions): Pick<Handlers, 'subscribeFlow' | 'resyncFlow' | 'unsubscribeFlow'> {
  return {
    subscribeFlow: ({ queue, jobId, depth, pageSize }, { session }) =>
      current().subscribe(session, { queue, jobId, depth: depth ?? DEFAULT_DEPTH, pageSize: pageSize ?? DEFAULT_PAGE_SIZE }),
    resyncFlow: ({ subscriptionId }, { session }) => current().resync(session, subscriptionId),
    unsubscribeFlow: ({ subscriptionId }, { session }) => ({ unsubscribed: current().unsubscribe(session, subscriptionId) }),
  };
}
