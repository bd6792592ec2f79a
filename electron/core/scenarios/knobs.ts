// The failure-injection knobs of a scenario: which child fails and how, latency, attempts and
// backoff. Processors read the current knobs at call time, so a change made while a scenario
// runs applies to the next call (latency, failures) or the next job added (attempts, backoff).
import { FlowscopeError } from '../../../shared/errors';

export { ERROR_KINDS, FAIL_MODES, NO_FAILURE, knobsPatchSchema, type ErrorKind, type FailMode, type FailureKnob, type Knobs, type KnobsPatch } from '../../../shared/scenarios';
import { NO_FAILURE, knobsPatchSchema, type Knobs } from '../../../shared/scenarios';

/** The knobs most scenarios start from: no failure, 400 ms a step, two attempts 300 ms apart, one flow of 8. */
const COMMON_DEFAULTS: Omit<Knobs, 'seed'> = { failures: {}, latencyMs: 400, attempts: 2, backoffMs: 300, parentAttempts: 1, flows: 1, fanout: 8 };

/** A scenario's default knobs: its own seed (and whatever it changes) over COMMON_DEFAULTS. */
export function scenarioDefaults(own: Partial<Knobs> & Pick<Knobs, 'seed'>): Knobs {
  return { ...COMMON_DEFAULTS, ...own };
}

/** `base` with `patch` applied; refuses a malformed patch or a target the scenario does not have. */
export function applyKnobs(base: Knobs, patch: unknown, targets: readonly string[]): Knobs {
  const parsed = knobsPatchSchema.safeParse(patch ?? {});
  if (!parsed.success) {
    throw new FlowscopeError('BAD_REQUEST', `Bad knobs: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  const { failures: failurePatch, ...rest } = parsed.data;
  const failures = { ...base.failures };
  for (const [target, change] of Object.entries(failurePatch ?? {})) {
    if (!targets.includes(target)) {
      throw new FlowscopeError('BAD_REQUEST', `Unknown failure target ${JSON.stringify(target)}; this scenario has: ${targets.join(', ')}.`);
    }
    if (change === null) delete failures[target];
    else failures[target] = { ...(failures[target] ?? NO_FAILURE), ...change };
  }
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...base, ...defined, failures };
}
