// The place of the repair actions (SPEC §6) on a selected parent: "Retry failed children" and
// "Remove unprocessed", each opening its preview. The contract has no action methods yet (the
// actions are being built in the core), so nothing is offered here until they exist: a button
// that cannot work would only teach people to distrust the others.
import type { FlowNode } from '../../../../shared/domain';
import { repairsWorthOffering } from './repair-availability';

export function ParentActions({ job }: { job: FlowNode }) {
  const offer = repairsWorthOffering(job);
  if (!offer.retryFailedChildren && !offer.removeUnprocessed) return null;
  return <div className="parent-actions" data-testid="parent-actions" data-retry={offer.retryFailedChildren} data-remove={offer.removeUnprocessed} />;
}
