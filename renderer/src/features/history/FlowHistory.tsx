// The History view of an open flow: every repair the audit log holds for its jobs, newest
// first — what was done, to which job (and in which flow, as the entry recorded it), when, from
// which connection, and how it ended.
import type { AuditEntry } from '../../../../shared/actions';
import { parseJobKey } from '../../../../shared/job-keys';
import { shortId } from '../../navigation/job-key';
import { useApp } from '../../store/use-app';
import { errorInWords } from '../../transport/error-words';
import { plural } from '../../words/plural';
import { timeAgo } from '../inspector/time-words';
import { useFlow, useFlowController, useJob } from '../flow-view/use-flow';
import { useFlowHistory } from './use-flow-history';
import './history.css';

const ACTION_NAMES: Record<string, string> = {
  'retry-failed-children': 'Retried failed children',
  'remove-unprocessed': 'Removed unprocessed children',
  'retry-job': 'Retried job',
  'remove-job': 'Removed job',
  'promote-job': 'Promoted job',
};

const OUTCOME_WORDS: Record<AuditEntry['outcome'], string> = { ok: 'done', refused: 'refused', error: 'failed' };

/** `queue/short id` of a key under the prefix; the key itself otherwise. */
function whereOf(jobKey: string, prefix: string): string {
  const parts = parseJobKey(jobKey, prefix);
  return parts ? `${parts.queue}/${shortId(parts.id)}` : jobKey;
}

function JobName({ jobKey, prefix }: { jobKey: string; prefix: string }) {
  const controller = useFlowController();
  const job = useJob(jobKey);
  const inView = job !== undefined;
  const where = whereOf(jobKey, prefix);
  const label = job?.name ? (
    <>
      <span className="history-job-name">{job.name}</span> {where}
    </>
  ) : (
    where
  );
  if (!inView) return <code title={`${jobKey} (no longer in view)`}>{label}</code>;
  return (
    <button type="button" className="link" title={`Select ${jobKey}`} onClick={() => controller.select(jobKey, { reveal: true })}>
      {label}
    </button>
  );
}

function Entry({ entry, prefix }: { entry: AuditEntry; prefix: string }) {
  const when = Date.parse(entry.time);
  const changed = entry.changedTotal ?? entry.changed.length;
  return (
    <li
      className={`history-entry outcome-${entry.outcome}`}
      data-testid="history-entry"
      data-action={entry.action}
      data-outcome={entry.outcome}
      data-root-key={entry.rootKey}
    >
      <div className="history-line">
        <strong>{ACTION_NAMES[entry.action] ?? entry.action}</strong>
        {entry.parent && <JobName jobKey={entry.parent} prefix={prefix} />}
        <span className={`badge history-outcome outcome-${entry.outcome}`}>{OUTCOME_WORDS[entry.outcome]}</span>
      </div>
      <div className="history-meta muted">
        <time dateTime={entry.time} title={entry.time}>
          {new Date(when).toLocaleString()} ({timeAgo(when)})
        </time>
        {entry.rootKey && entry.rootKey !== entry.parent && (
          <span data-testid="history-root">
            in the flow of <code title={entry.rootKey}>{whereOf(entry.rootKey, prefix)}</code>
          </span>
        )}
        <span>
          from <code className="history-connection">{entry.connection}</code>
        </span>
        {entry.outcome === 'ok' && <span>{plural(changed, 'job')} changed</span>}
      </div>
      {entry.message && <p className="history-message">{entry.message}</p>}
    </li>
  );
}

export function FlowHistory({ keys }: { keys: () => string[] }) {
  const rootKey = useFlow((s) => s.rootKey);
  const prefix = useApp((s) => s.status?.prefix ?? 'bull');
  const history = useFlowHistory(rootKey, keys);
  const entries = history.data?.entries ?? [];
  return (
    <section className="flow-history" data-testid="flow-history" aria-label="History of this flow">
      <div className="history-head">
        <p>
          <strong>History</strong> <span className="muted">— the repairs the audit log holds for the jobs of this flow, newest first.</span>
        </p>
        <button type="button" onClick={() => void history.refetch()} disabled={history.isFetching}>
          {history.isFetching ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      <div className="history-scroll">
        {history.error && (
          <div className="problem" role="alert" data-testid="history-error">
            Could not read the history: {errorInWords(history.error)}{' '}
            <button type="button" onClick={() => void history.refetch()}>
              Try again
            </button>
          </div>
        )}
        {history.isPending && !history.error && <p className="muted">Reading the audit log…</p>}
        {history.data && entries.length === 0 && (
          <p className="muted" data-testid="history-empty">
            Nothing was retried, removed or promoted in this flow from Flowscope{history.data.complete ? '' : ' in the part of the audit log read'}.
          </p>
        )}
        {entries.length > 0 && (
          <ol className="history-list">
            {entries.map((entry, i) => (
              <Entry key={`${entry.time}-${i}`} entry={entry} prefix={prefix} />
            ))}
          </ol>
        )}
        {history.data && !history.data.complete && entries.length > 0 && (
          <p className="muted">Older entries may exist: only the newest are shown.</p>
        )}
      </div>
    </section>
  );
}
