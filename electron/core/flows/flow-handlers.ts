// Contract methods that read flows: a job's subtree and more pages of a big bucket.
import { FlowscopeError } from '../../../shared/errors';
import type { Handlers } from '../dispatch';
import type { CoreContext } from '../core-context';
import { DEFAULT_PAGE_SIZE, loadChildrenPage, loadTree } from '../tree';

export function flowHandlers(ctx: CoreContext): Pick<Handlers, 'getFlowTree' | 'getChildrenPage'> {
  return {
    async getFlowTree({ queue, jobId, depth, pageSize }) {
      const tree = await loadTree(ctx.redis(), ctx.prefix, queue, jobId, { depth, pageSize });
      if (tree.nodes[0]?.state === 'missing') {
        throw new FlowscopeError('NOT_FOUND', `No job ${jobId} in queue ${queue} (prefix ${ctx.prefix})`);
      }
      return tree;
    },
    getChildrenPage: ({ parentKey, bucket, cursor, pageSize, ...options }) =>
      loadChildrenPage(ctx.redis(), ctx.prefix, parentKey, bucket, cursor, pageSize ?? DEFAULT_PAGE_SIZE, options),
  };
}
