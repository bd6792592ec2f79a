// A scenario's knobs as a form: how each failure target fails (never, always, until fixed, or
// a share of calls; with an error BullMQ retries or one it does not), then the number knobs the
// scenario reads (shared/scenarios.ts SCENARIO_KNOBS: latency, attempts, backoff, the sizes of
// what is seeded; a knob it does not read is not shown). Rows wrap rather than scroll sideways.
// The form edits a draft; the panel decides whether it starts a run or changes the running one.
import { useId } from 'react';
import { ERROR_KINDS, FAIL_MODES, NO_FAILURE, type ErrorKind, type FailMode, type FailureKnob, type Knobs } from '../../../../shared/scenarios';
import type { NumberKnob } from './knobs-patch';

const MODE_WORDS: Record<FailMode, string> = {
  never: 'never fails',
  always: 'always fails',
  'until-fixed': 'fails until fixed',
  rate: 'fails a share of calls',
};

const ERROR_WORDS: Record<ErrorKind, { label: string; explains: string }> = {
  retryable: { label: 'retryable error', explains: 'a plain Error: BullMQ retries it while attempts remain' },
  unrecoverable: { label: 'unrecoverable error', explains: "BullMQ's UnrecoverableError: the job fails at once, whatever its attempts" },
};

interface NumberField {
  knob: NumberKnob;
  label: string;
  hint: string;
  min: number;
  max: number;
}

const NUMBER_FIELDS: NumberField[] = [
  { knob: 'latencyMs', label: 'Latency (ms)', hint: 'work time of each child call', min: 0, max: 60_000 },
  { knob: 'attempts', label: 'Attempts per child', hint: 'for jobs added after a change', min: 1, max: 50 },
  { knob: 'backoffMs', label: 'Backoff (ms)', hint: 'fixed wait between attempts', min: 0, max: 600_000 },
  { knob: 'parentAttempts', label: 'Parent attempts', hint: 'of the orchestrating parent', min: 1, max: 50 },
  { knob: 'flows', label: 'Flows per run', hint: 'flows one Run seeds', min: 1, max: 100 },
  { knob: 'fanout', label: 'Fan-out size', hint: 'children of each fan-out', min: 1, max: 1_000 },
  { knob: 'seed', label: 'Seed', hint: 'same seed, same failures and answers', min: 0, max: 2 ** 31 - 1 },
];

function FailureRow({ target, knob, onChange, disabled }: { target: string; knob: FailureKnob; onChange(k: FailureKnob): void; disabled: boolean }) {
  const id = useId();
  return (
    <div className="failure-knob" data-testid="failure-knob" data-target={target}>
      <label className="failure-target" htmlFor={`${id}-mode`}>
        {target}
      </label>
      <span className="failure-controls">
        <select
          id={`${id}-mode`}
          aria-label={`Failure mode of ${target}`}
          value={knob.mode}
          disabled={disabled}
          onChange={(e) => onChange({ ...knob, mode: e.target.value as FailMode })}
        >
          {FAIL_MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_WORDS[m]}
            </option>
          ))}
        </select>
        {knob.mode === 'rate' && (
          <label className="inline">
            <input
              type="number"
              aria-label={`Failure rate of ${target} (%)`}
              min={0}
              max={100}
              step={5}
              value={Math.round(knob.rate * 100)}
              disabled={disabled}
              onChange={(e) => Number.isFinite(e.target.valueAsNumber) && onChange({ ...knob, rate: Math.min(100, Math.max(0, e.target.valueAsNumber)) / 100 })}
            />
            %
          </label>
        )}
        {knob.mode === 'until-fixed' && (
          <label className="inline">
            <input type="checkbox" checked={knob.fixed} disabled={disabled} onChange={(e) => onChange({ ...knob, fixed: e.target.checked })} /> fixed
          </label>
        )}
        {knob.mode !== 'never' && (
          <select
            aria-label={`Error of ${target}`}
            title={ERROR_WORDS[knob.error].explains}
            value={knob.error}
            disabled={disabled}
            onChange={(e) => onChange({ ...knob, error: e.target.value as ErrorKind })}
          >
            {ERROR_KINDS.map((k) => (
              <option key={k} value={k} title={ERROR_WORDS[k].explains}>
                {ERROR_WORDS[k].label}
              </option>
            ))}
          </select>
        )}
      </span>
    </div>
  );
}

export interface KnobsFormProps {
  targets: string[];
  /** The number knobs the scenario reads, in any order (shown in the form's order). */
  numbers: readonly NumberKnob[];
  knobs: Knobs;
  onChange(k: Knobs): void;
  disabled: boolean;
}

export function KnobsForm({ targets, numbers, knobs, onChange, disabled }: KnobsFormProps) {
  const id = useId();
  const setFailure = (target: string, knob: FailureKnob) => onChange({ ...knobs, failures: { ...knobs.failures, [target]: knob } });
  return (
    <div className="knobs" data-testid="knobs">
      {targets.length > 0 && (
        <fieldset className="failure-knobs">
          <legend>Failure injection</legend>
          {targets.map((t) => (
            <FailureRow key={t} target={t} knob={knobs.failures[t] ?? NO_FAILURE} onChange={(k) => setFailure(t, k)} disabled={disabled} />
          ))}
        </fieldset>
      )}
      <div className="number-knobs">
        {NUMBER_FIELDS.filter((f) => numbers.includes(f.knob)).map((f) => (
          <div key={f.knob} className="number-knob">
            <label htmlFor={`${id}-${f.knob}`}>{f.label}</label>
            <input
              id={`${id}-${f.knob}`}
              type="number"
              min={f.min}
              max={f.max}
              value={knobs[f.knob]}
              disabled={disabled}
              onChange={(e) => Number.isFinite(e.target.valueAsNumber) && onChange({ ...knobs, [f.knob]: Math.round(e.target.valueAsNumber) })}
            />
            <span className="hint muted">{f.hint}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
