// Contract methods of live flow views.
import type { Handlers } from '../dispatch';
import type { FlowSubscriptions } from './flow-subscriptions';
import { DEFAULT_DEPTH, DEFAULT_PAGE_SIZE } from '../tree';

export function liveHandlers(subscriptions: FlowSubscriptions): Pick<Handlers, 'subscribeFlow' | 'resyncFlow' | 'unsubscribeFlow'> {
  return {
    subscribeFlow: ({ queue, jobId, depth, pageSize }, { session }) =>
      subscriptions.subscribe(session, { queue, jobId, depth: depth ?? DEFAULT_DEPTH, pageSize: pageSize ?? DEFAULT_PAGE_SIZE }),
    resyncFlow: ({ subscriptionId }, { session }) => subscriptions.resync(session, subscriptionId),
    unsubscribeFlow: ({ subscriptionId }, { session }) => ({ unsubscribed: subscriptions.unsubscribe(session, subscriptionId) }),
  };
}
