// The failure-injection knobs of a scenario: which child fails and how, latency, attempts and
// backoff. Processors read the current knobs at call time, so a change made while a scenario
// runs applies to the next call (latency, failures) or the next job added (attempts, backoff).
import { z } from 'zod';
import { FlowscopeError } from '../../../shared/errors';

export const FAIL_MODES = ['never', 'always', 'until-fixed', 'rate'] as const;
/** never; always; until the presenter sets `fixed`; or a seeded, deterministic share of calls. */
export type FailMode = (typeof FAIL_MODES)[number];

export const ERROR_KINDS = ['retryable', 'unrecoverable'] as const;
/** retryable: a plain Error (BullMQ retries while attempts remain); unrecoverable: BullMQ's UnrecoverableError (fails at once). */
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface FailureKnob {
  mode: FailMode;
  /** For `rate`: the chance that one call fails, 0..1 (drawn from `Knobs.seed`, so runs repeat). */
  rate: number;
  /** For `until-fixed`: false fails every call, true lets them pass ("the fix is deployed"). */
  fixed: boolean;
  error: ErrorKind;
}

export interface Knobs {
  /** Failure injection per target (a child's name, see the scenario's `targets`); targets not listed never fail. */
  failures: Record<string, FailureKnob>;
  /** Seed of every deterministic random choice (failure rates, mock answers, item latencies). */
  seed: number;
  /** Work time of each child call, ms. */
  latencyMs: number;
  /** Attempts of each child job (BullMQ opts.attempts); applies to jobs added after the change. */
  attempts: number;
  /** Fixed backoff between attempts, ms (children, and the orchestrating parent). */
  backoffMs: number;
  /** Attempts of an orchestrating parent (llm-fanout); applies to flows seeded after the change. */
  parentAttempts: number;
  /** Flows one seed() adds. */
  flows: number;
  /** Children of a fan-out (fan-out-aggregator); applies to flows seeded after the change. */
  fanout: number;
}

export const NO_FAILURE: FailureKnob = { mode: 'never', rate: 0, fixed: false, error: 'retryable' };

const failureSchema = z.strictObject({
  mode: z.enum(FAIL_MODES),
  rate: z.number().min(0).max(1),
  fixed: z.boolean(),
  error: z.enum(ERROR_KINDS),
});

/** A partial change of knobs; a target set to null stops failing. Validated at every boundary. */
export const knobsPatchSchema = z.strictObject({
  failures: z.record(z.string().min(1).max(100), failureSchema.partial().nullable()).optional(),
  seed: z.int().min(0).max(2 ** 31 - 1).optional(),
  latencyMs: z.int().min(0).max(60_000).optional(),
  attempts: z.int().min(1).max(50).optional(),
  backoffMs: z.int().min(0).max(600_000).optional(),
  parentAttempts: z.int().min(1).max(50).optional(),
  flows: z.int().min(1).max(100).optional(),
  fanout: z.int().min(1).max(1_000).optional(),
});
export type KnobsPatch = z.infer<typeof knobsPatchSchema>;

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
