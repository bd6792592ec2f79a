// The actions block of the inspector: the parent's repair actions, then the everyday ones
// (retry a failed job, remove a job with its subtree, promote a delayed job), and below them
// why a button is off, in words, since a tooltip alone is easy to miss (one line when all are off:
// a read-only connection, or a queue written by a BullMQ the actions are not tested with).
import type { FlowNode } from '../../../../shared/domain';
import { useApp } from '../../store/use-app';
import { judgeActions, versionReason } from './action-availability';
import { ACTION_KINDS, EVERYDAY_KINDS, READ_ONLY_REASON, REPAIR_KINDS } from './action-kinds';
import { ActionButton } from './ActionButton';
import { ParentActions } from './ParentActions';
import { useQueueCompat } from './use-queue-compat';
import { useRepairChecks } from './use-repair-checks';

export function JobActions({ job }: { job: FlowNode }) {
  const readOnly = useApp((s) => s.status?.readOnly ?? false);
  const compat = useQueueCompat(job.queue);
  const refused = versionReason(job.queue, compat);
  const checks = useRepairChecks(job, readOnly || refused !== null);
  const judged = judgeActions(job, readOnly, checks, compat);
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
      ) : refused ? (
        <p className="action-reason read-only" data-testid="version-reason">
          {refused}
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
