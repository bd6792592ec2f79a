// exportFlow: a flow's tree as `flowscope tree --json` prints it. The CLI's `tree` command and
// the app's Export both call this method, so the file the app saves and the CLI's JSON cannot
// drift: the same loader (getFlowTree), the same defaults, the same node order.
import { orderTree, TREE_DEFAULT_DEPTH, TREE_DEFAULT_PAGE_SIZE } from '../../../shared/tree-order';
import type { Handlers } from '../dispatch';

export function exportHandlers(getFlowTree: Handlers['getFlowTree']): Pick<Handlers, 'exportFlow'> {
  return {
    async exportFlow({ queue, jobId, depth, pageSize }, call) {
      const tree = await getFlowTree({ queue, jobId, depth: depth ?? TREE_DEFAULT_DEPTH, pageSize: pageSize ?? TREE_DEFAULT_PAGE_SIZE }, call);
      return orderTree(tree);
    },
  };
}
