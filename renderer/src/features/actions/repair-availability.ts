// Which repair actions a parent could use, judged from the counts the core already sent (no
// BullMQ rules here: the core's preview decides what really changes). Used to place the
// buttons once the contract has the action methods.
import type { FlowNode } from '../../../../shared/domain';

export interface RepairOffer {
  retryFailedChildren: boolean;
  removeUnprocessed: boolean;
}

export function repairsWorthOffering(job: FlowNode): RepairOffer {
  const c = job.childCounts;
  return {
    // Blocking failures sit in `unprocessed`, so any unprocessed child may hide one: the preview tells.
    retryFailedChildren: c.failed + c.ignored + c.unprocessed > 0,
    removeUnprocessed: c.unprocessed > 0,
  };
}
