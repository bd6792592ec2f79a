// Contract methods that read flows: the flow list, a job's subtree, more pages of a big
// bucket, and one job in full.
import type { ChildrenPage } from '../../../shared/domain';
import type { Handlers } from '../dispatch';
import type { CoreContext } from '../core-context';
import { DEFAULT_PAGE_SIZE, loadChildrenPage, loadTree } from '../tree';
import { getJob } from './get-job';
import { createFlowLister } from './list-flows';
import { missingJobError } from './missing-job';

export function flowHandlers(
  ctx: CoreContext,
  /** Takes a page into a live view (the view's subscriptions), so its children get patches. */
  adopt: (session: string, subscriptionId: string, page: ChildrenPage) => Promise<void>,
  /** The queues the core knows of (its registry), which the flow list walks. */
  knownQueues?: () => Promise<string[]>,
): Pick<Handlers, 'getFlowTree' | 'getChildrenPage' | 'listFlows' | 'getJob'> {
  const listFlows = createFlowLister(ctx, knownQueues);
  return {
    async getFlowTree({ queue, jobId, depth, pageSize }) {
      const tree = await loadTree(ctx.redis(), ctx.prefix, queue, jobId, { depth, pageSize });
      if (tree.nodes[0]?.state === 'missing') {
        throw await missingJobError(ctx.redis(), ctx.prefix, queue, jobId);
      }
      return tree;
    },
    async getChildrenPage({ parentKey, bucket, cursor, pageSize, subscriptionId, ...options }, { session }) {
      const page = await loadChildrenPage(ctx.redis(), ctx.prefix, parentKey, bucket, cursor, pageSize ?? DEFAULT_PAGE_SIZE, options);
      if (subscriptionId) await adopt(session, subscriptionId, page);
      return page;
    },
    listFlows: (filter) => listFlows(filter),
    getJob: ({ key, logLines }) => getJob(ctx.redis(), ctx.prefix, key, logLines),
  };
}
