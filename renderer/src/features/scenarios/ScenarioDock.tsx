// The scenarios panel (docs/SPEC.md §7), docked under the graph so a presenter sees both: pick a
// built-in failure scenario, read what it shows, set its knobs, Run it (the first seeded flow
// opens above), change knobs while it runs ("Fix anthropic"), watch its workers and call
// counters, Stop it. The bar stays visible when the panel is folded and says what runs.
import { useState } from 'react';
import type { Knobs, ScenarioInfo, ScenarioName, ScenarioRun } from '../../../../shared/scenarios';
import { parseJobKey } from '../../../../shared/job-keys';
import { useNavigationApi } from '../../navigation/use-navigation';
import { useApp } from '../../store/use-app';
import { isEmptyPatch, knobsPatch } from './knobs-patch';
import { KnobsForm } from './KnobsForm';
import { RunStatus } from './RunStatus';
import { useScenarios, type Answer, type Scenarios } from './use-scenarios';

const READ_ONLY_WORDS = 'Read-only connection: scenarios start workers and write jobs, so they cannot run here.';

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
              onClick={() => onPick(info.name)}
            >
              <span className="scenario-title">
                {info.title}
                {running && <span className="badge badge-connected">running</span>}
              </span>
              <span className="scenario-description muted">{info.description}</span>
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
      return `Seeded ${seeded.length} flow${seeded.length === 1 ? '' : 's'}${parts ? '; the first is open above' : ''}.`;
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
    <>
      <div className="scenario-detail" data-testid="scenario-detail" data-scenario={info.name}>
        <h3>{info.title}</h3>
        <p>{info.description}</p>
        <p className="scenario-outcome">
          <b>Expected outcome:</b> {info.outcome}
        </p>
        <p className="muted scenario-queues">
          Queues: {info.queues.map((q) => `${q.name} (concurrency ${q.concurrency})`).join(', ')}
        </p>
        <KnobsForm targets={info.targets} knobs={knobs} onChange={setDraft} disabled={busy || locked !== null} />
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
    </>
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
    <section className={`scenario-dock${open ? ' open' : ''}`} aria-label="Scenarios" data-testid="scenario-dock">
      <button type="button" className="dock-bar" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span>{open ? '▾' : '▸'} Scenarios</span>
        <span className="muted">
          {runs.length > 0 ? `running: ${runs.map((r) => r.name).join(', ')}` : 'built-in failure scenarios with live workers'}
        </span>
      </button>
      {open && (
        <div className="dock-body">
          {scenarios.loadError && (
            <p className="problem" role="alert">
              Could not list the scenarios: {scenarios.loadError}
            </p>
          )}
          {infos === null && !scenarios.loadError && <p className="muted">Loading scenarios…</p>}
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
