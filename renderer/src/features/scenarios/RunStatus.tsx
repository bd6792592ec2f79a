// A running scenario, live: the "Fix" buttons of its until-fixed targets, the calls per target
// (per provider for the LLM fan-out: they show what a selective retry saved), its workers with
// their concurrency and counts, the flows it seeded (each opens in the graph), and Stop.
import type { ScenarioInfo, ScenarioRun } from '../../../../shared/scenarios';
import { parseJobKey } from '../../../../shared/job-keys';
import { shortId } from '../../navigation/job-key';
import { useNavigationApi } from '../../navigation/use-navigation';
import { useApp } from '../../store/use-app';
import { localTime } from '../inspector/time-words';

/** The workers table's count columns after "queue": label and what it counts. */
const WORKER_COLUMNS = [
  ['conc.', 'concurrency: jobs it runs at once'],
  ['run', 'running now'],
  ['done', 'processed: runs that ended'],
  ['ok', 'completed'],
  ['failed', 'failed runs, retried ones included'],
] as const;

/** Seeded flows listed, newest first. */
const ROOTS_SHOWN = 8;

export interface RunStatusProps {
  info: ScenarioInfo;
  run: ScenarioRun;
  /** Why changes are not possible (read-only), or null. */
  locked: string | null;
  busy: boolean;
  onFix(target: string, fixed: boolean): void;
  onStop(): void;
}

export function RunStatus({ info, run, locked, busy, onFix, onStop }: RunStatusProps) {
  const navigation = useNavigationApi();
  const prefix = useApp((s) => s.status?.prefix ?? 'bull');
  const untilFixed = info.targets.filter((t) => run.knobs.failures[t]?.mode === 'until-fixed');
  const targets = [...new Set([...info.targets, ...Object.keys(run.calls)])];
  const roots = run.roots.slice(-ROOTS_SHOWN).reverse();
  return (
    <div className="run-status" data-testid="run-status" data-scenario={run.name}>
      <div className="run-head">
        <span className="badge badge-connected">running</span>
        <span className="muted">since {localTime(run.startedAt)}</span>
        <button type="button" className="danger-outline" onClick={onStop} disabled={busy} title="Stops its workers; the flows stay in Redis to inspect and repair">
          Stop
        </button>
      </div>
      {untilFixed.length > 0 && (
        <div className="fix-row">
          {untilFixed.map((t) =>
            run.knobs.failures[t]?.fixed ? (
              <span key={t} className="fixed-note" data-testid="fixed-note" data-target={t}>
                {t} is fixed ✓{' '}
                <button type="button" className="link" onClick={() => onFix(t, false)} disabled={busy || locked !== null}>
                  break it again
                </button>
              </span>
            ) : (
              <button
                key={t}
                type="button"
                className="primary"
                onClick={() => onFix(t, true)}
                disabled={busy || locked !== null}
                title={locked ?? `From now on ${t} answers: the fix is deployed`}
              >
                Fix {t}
              </button>
            ),
          )}
        </div>
      )}
      <h4>Calls per target</h4>
      <ul className="call-counts" data-testid="scenario-calls">
        {targets.map((t) => (
          <li key={t} data-testid="call-count" data-target={t} data-count={run.calls[t] ?? 0}>
            {t} <b>{run.calls[t] ?? 0}</b>
          </li>
        ))}
      </ul>
      <h4>Workers</h4>
      <table className="workers" data-testid="workers">
        <thead>
          <tr>
            <th scope="col">queue</th>
            {WORKER_COLUMNS.map(([label, title]) => (
              <th key={label} scope="col">
                <abbr title={title}>{label}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {run.workers.map((w) => (
            <tr key={w.id} data-testid="worker" data-queue={w.queue}>
              <td className="worker-queue">
                {w.queue}
                {w.state === 'closing' && <span className="muted"> (closing)</span>}
              </td>
              <td>{w.concurrency}</td>
              <td className={w.running > 0 ? 'busy' : ''}>{w.running}</td>
              <td>{w.processed}</td>
              <td>{w.completed}</td>
              <td className={w.failed > 0 ? 'bad' : ''}>{w.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {roots.length > 0 && (
        <>
          <h4>
            Flows seeded <span className="muted">{run.roots.length}</span>
          </h4>
          <ul className="seeded-roots">
            {roots.map((key) => {
              const parts = parseJobKey(key, prefix);
              return (
                <li key={key}>
                  {parts ? (
                    <button type="button" className="link" onClick={() => navigation.navigate({ view: 'flow', queue: parts.queue, jobId: parts.id })}>
                      {parts.queue} / #{shortId(parts.id)}
                    </button>
                  ) : (
                    <code>{key}</code>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
