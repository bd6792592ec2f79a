// The actions block of the inspector: the parent's repair actions, then the everyday ones
// (retry a failed job, remove a job with its subtree, promote a delayed job), and below them
// why a button is off, in words, since a tooltip alone is easy to miss.
import type { FlowNode } from '../../../../shared/domain';
import { useApp } from '../../store/use-app';
import { judgeActions } from './action-availability';
import { ACTION_KINDS, EVERYDAY_KINDS, READ_ONLY_REASON, REPAIR_KINDS } from './action-kinds';
import { ActionButton } from './ActionButton';
import { ParentActions } from './ParentActions';
import { useRepairChecks } from './use-repair-checks';

export function JobActions({ job }: { job: FlowNode }) {
  const readOnly = useApp((s) => s.status?.readOnly ?? false);
  const checks = useRepairChecks(job, readOnly);
  const judged = judgeActions(job, readOnly, checks);
  if (!ACTION_KINDS.some((k) => judged[k].offered)) return null;
  const everyday = EVERYDAY_KINDS.filter((k) => judged[k].offered);
  const reasons = REPAIR_KINDS.filter((k) => judged[k].offered && !judged[k].enabled && judged[k].reason);
  return (
    <section className="job-actions" aria-label="Actions" data-testid="job-actions">
      <ParentActions jobKey={job.key} judged={judged} />
      {everyday.length > 0 && (
        <div className="action-row">
          {everyday.map((kind) => (
            <ActionButton key={kind} kind={kind} jobKey={job.key} availability={judged[kind]} />
          ))}
        </div>
      )}
      {readOnly ? (
        <p className="action-reason read-only" data-testid="read-only-reason">
          {READ_ONLY_REASON}
        </p>
      ) : (
        reasons.map((kind) => (
          <p key={kind} className="action-reason" data-testid="action-reason" data-kind={kind}>
            {judged[kind].reason}
          </p>
        ))
      )}
    </section>
  );
}
