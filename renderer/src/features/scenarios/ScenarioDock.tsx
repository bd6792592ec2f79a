// The scenarios panel (docs/SPEC.md §7), docked under the graph so a presenter sees both: pick a
// built-in failure scenario, read what it shows, set its knobs, Run it (the first seeded flow
// opens above), change knobs while it runs ("Fix anthropic"), watch its workers and call
// counters, Stop it. Folded, the bar keeps what a demo needs in one line: what runs, its Fix
// buttons, its call counters and Stop. Scenarios a connection switch stopped are offered
// again, folded or not. The panel is compact (scenarios | knobs | run status, each scrolling
// up and down only) so the graph keeps most of the height.
import { useState } from 'react';
import { SCENARIO_KNOBS, type Knobs, type ScenarioInfo, type ScenarioName, type ScenarioRun } from '../../../../shared/scenarios';
import { parseJobKey } from '../../../../shared/job-keys';
import { useNavigationApi } from '../../navigation/use-navigation';
import { useApp } from '../../store/use-app';
import { isEmptyPatch, knobsPatch } from './knobs-patch';
import { KnobsForm } from './KnobsForm';
import { RunStatus } from './RunStatus';
import { plural } from '../../words/plural';
import { useScenarios, type Answer, type Scenarios } from './use-scenarios';
import './scenario-dock.css';
import { LoadState } from '../../components/LoadState';

const READ_ONLY_WORDS = 'Read-only connection: scenarios start workers and write jobs, so they cannot run here.';

/** "Fail fast (failParentOnFailure)": the option name in parentheses on its own smaller line, never cut mid-word. */
function TitleWords({ title }: { title: string }) {
  const cut = title.indexOf(' (');
  if (cut < 0) return <span className="scenario-title">{title}</span>;
  return (
    <span className="scenario-title">
      {title.slice(0, cut)} <span className="scenario-title-option">{title.slice(cut + 1)}</span>
    </span>
  );
}

function ScenarioList({ infos, runs, picked, onPick }: { infos: ScenarioInfo[]; runs: ScenarioRun[]; picked: ScenarioName | null; onPick(name: ScenarioName): void }) {
  return (
    <ul className="scenario-list" aria-label="Scenarios">
      {infos.map((info) => {
        const running = runs.some((r) => r.name === info.name);
        return (
          <li key={info.name}>
            <button
              type="button"
              className={`scenario-pick${picked === info.name ? ' picked' : ''}`}
              aria-pressed={picked === info.name}
              data-testid="scenario"
              data-scenario={info.name}
              title={info.description}
              onClick={() => onPick(info.name)}
            >
              <TitleWords title={info.title} />
              {running && <span className="badge badge-connected">running</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function ScenarioDetail({ info, run, scenarios }: { info: ScenarioInfo; run: ScenarioRun | undefined; scenarios: Scenarios }) {
  const navigation = useNavigationApi();
  const status = useApp((s) => s.status);
  const prefix = status?.prefix ?? 'bull';
  const locked = status?.readOnly ? READ_ONLY_WORDS : null;
  const base = run?.knobs ?? info.defaults;
  const [draft, setDraft] = useState<Knobs | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const knobs = draft ?? base;
  const patch = knobsPatch(base, knobs);

  const settle = async <T,>(answer: Promise<Answer<T>>, done: (value: T) => string | null): Promise<void> => {
    setBusy(true);
    setMessage(null);
    const outcome = await answer;
    setBusy(false);
    if (outcome.ok) {
      const text = done(outcome.value);
      setMessage(text ? { ok: true, text } : null);
    } else setMessage({ ok: false, text: outcome.message });
  };

  const run_ = () =>
    settle(scenarios.run(info.name, patch), (seeded) => {
      setDraft(null);
      const parts = seeded[0] ? parseJobKey(seeded[0], prefix) : null;
      if (parts) navigation.navigate({ view: 'flow', queue: parts.queue, jobId: parts.id });
      return `Seeded ${plural(seeded.length, 'flow')}${parts ? '; the first is open above' : ''}.`;
    });
  const apply = () =>
    settle(scenarios.setKnobs(info.name, patch), () => {
      setDraft(null);
      return 'Changed: processors use the new knobs from their next call.';
    });
  const fix = (target: string, fixed: boolean) =>
    settle(scenarios.setKnobs(info.name, { failures: { [target]: { fixed } } }), () => {
      // A draft would otherwise carry the old `fixed` into the next Apply.
      setDraft((d) => (d && d.failures[target] ? { ...d, failures: { ...d.failures, [target]: { ...d.failures[target]!, fixed } } } : d));
      return fixed ? `${target} is fixed: its next call answers.` : `${target} fails again.`;
    });
  const stop = () => settle(scenarios.stop(info.name), () => 'Stopped. Its flows stay in Redis to inspect and repair.');

  return (
    <div className="scenario-main">
      <div className="scenario-detail" data-testid="scenario-detail" data-scenario={info.name}>
        <h3>{info.title}</h3>
        <p>{info.description}</p>
        <p className="scenario-outcome">
          <b>Expected outcome:</b> {info.outcome}
        </p>
        <p className="muted scenario-queues">
          Queues: {info.queues.map((q) => `${q.name} (concurrency ${q.concurrency})`).join(', ')}
        </p>
        <KnobsForm targets={info.targets} numbers={SCENARIO_KNOBS[info.name]} knobs={knobs} onChange={setDraft} disabled={busy || locked !== null} />
        <div className="form-buttons">
          <button type="button" className="primary" onClick={() => void run_()} disabled={busy || locked !== null} title={locked ?? undefined}>
            {run ? 'Run again' : 'Run'}
          </button>
          {run && (
            <button type="button" onClick={() => void apply()} disabled={busy || locked !== null || isEmptyPatch(patch)} title={locked ?? 'Send the changed knobs to the running scenario'}>
              Apply changes
            </button>
          )}
          <button type="button" onClick={() => setDraft(null)} disabled={busy || draft === null}>
            Reset
          </button>
          {run && <span className="muted">Run again seeds more flows with these knobs.</span>}
        </div>
        {locked && <p className="action-reason read-only">{locked}</p>}
        {status && status.kind !== 'sandbox' && !locked && (
          <p className="muted">Runs on {status.target}: its workers and flows are written to that Redis.</p>
        )}
        {message && (
          <p className={message.ok ? 'test-ok' : 'problem'} role={message.ok ? 'status' : 'alert'} data-testid="scenario-message">
            {message.text}
          </p>
        )}
      </div>
      <div className="scenario-status">
        {run ? (
          <RunStatus info={info} run={run} locked={locked} busy={busy} onFix={(t, f) => void fix(t, f)} onStop={() => void stop()} />
        ) : (
          <p className="muted">Not running. Run it to start its workers (one per queue) and seed its flows.</p>
        )}
      </div>
    </div>
  );
}

/** Folded: each running scenario's Fix buttons, call counters and Stop, in the bar. */
function BarControls({ infos, runs, scenarios }: { infos: ScenarioInfo[]; runs: ScenarioRun[]; scenarios: Scenarios }) {
  const readOnly = useApp((s) => s.status?.readOnly ?? false);
  const [busy, setBusy] = useState(false);
  const act = async (answer: () => Promise<unknown>) => {
    setBusy(true);
    await answer();
    setBusy(false);
  };
  return (
    <span className="dock-bar-controls" data-testid="dock-bar-controls">
      {runs.map((run) => {
        const info = infos.find((i) => i.name === run.name);
        const broken = (info?.targets ?? []).filter((t) => run.knobs.failures[t]?.mode === 'until-fixed' && !run.knobs.failures[t]?.fixed);
        return (
          <span key={run.name} className="dock-bar-run" data-scenario={run.name}>
            {broken.map((t) => (
              <button
                key={t}
                type="button"
                className="primary small"
                disabled={busy || readOnly}
                onClick={() => void act(() => scenarios.setKnobs(run.name, { failures: { [t]: { fixed: true } } }))}
              >
                Fix {t}
              </button>
            ))}
            {Object.entries(run.calls).map(([t, n]) => (
              <span key={t} className="dock-bar-count" data-testid="bar-call-count" data-target={t}>
                {t} <b>{n}</b>
              </span>
            ))}
            <button type="button" className="danger-outline small" disabled={busy} onClick={() => void act(() => scenarios.stop(run.name))} title={`Stop ${run.name}: its flows stay in Redis`}>
              Stop {runs.length > 1 ? run.name : ''}
            </button>
          </span>
        );
      })}
    </span>
  );
}

/** What the last switch away from this connection stopped, offered again. */
function StoppedNotice({ scenarios }: { scenarios: Scenarios }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { stopped } = scenarios;
  if (stopped.length === 0) return null;
  const names = stopped.map((s) => s.name).join(', ');
  const act = async (call: () => Promise<Answer<unknown>>) => {
    setBusy(true);
    const outcome = await call();
    setBusy(false);
    setProblem(outcome.ok ? null : outcome.message);
  };
  return (
    <div className="notice-inline stopped-notice" role="status" data-testid="stopped-scenarios">
      <span>
        Switching connection stopped <b>{names}</b> here. {stopped.length === 1 ? 'It' : 'They'} can run again with the knobs{' '}
        {stopped.length === 1 ? 'it' : 'they'} had (new flows are seeded, and the old ones&apos; waiting jobs run too).
      </span>
      <button type="button" className="primary small" disabled={busy} onClick={() => void act(scenarios.restartStopped)}>
        Run {stopped.length === 1 ? 'it' : 'them'} again
      </button>
      <button type="button" className="small" disabled={busy} onClick={() => void act(scenarios.forgetStopped)}>
        Dismiss
      </button>
      {problem && (
        <span className="problem-inline" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

export function ScenarioDock() {
  const scenarios = useScenarios();
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<ScenarioName | null>(null);
  const { infos, runs } = scenarios;
  const shown = picked ?? runs[0]?.name ?? infos?.[0]?.name ?? null;
  const info = infos?.find((i) => i.name === shown);
  return (
    <section className={`scenario-dock${open ? ' open' : ''}`} aria-label="Scenarios" data-testid="scenario-dock" data-open={open}>
      <div className="dock-bar">
        <button type="button" className="dock-toggle" aria-expanded={open} onClick={() => setOpen(!open)} title={open ? 'Fold the panel to this bar' : 'Open the scenarios panel'}>
          {open ? '▾' : '▸'} Scenarios
        </button>
        <span className="muted dock-summary">
          {runs.length > 0 ? `running: ${runs.map((r) => r.name).join(', ')}` : 'built-in failure scenarios with live workers'}
        </span>
        {!open && infos && runs.length > 0 && <BarControls infos={infos} runs={runs} scenarios={scenarios} />}
      </div>
      <StoppedNotice scenarios={scenarios} />
      {open && (
        <div className="dock-body">
          <LoadState what="the scenarios" error={scenarios.loadError} loaded={infos !== null} />
          {infos && (
            <div className="scenario-columns">
              <ScenarioList infos={infos} runs={runs} picked={shown} onPick={setPicked} />
              {info && <ScenarioDetail key={info.name} info={info} run={runs.find((r) => r.name === info.name)} scenarios={scenarios} />}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
