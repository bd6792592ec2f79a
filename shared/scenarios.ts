// Scenarios and hosted workers as they cross the contract: names, knobs (and the schema of a
// knobs change), what a scenario and a run look like, and the workers the core hosts.
import { z } from 'zod';

import type { ScenarioName } from './scenario-names';

export { SCENARIO_NAMES, type ScenarioName } from './scenario-names';

export interface ScenarioQueue {
  name: string;
  /** Concurrency of the worker the scenario starts on it. */
  concurrency: number;
}

/** A scenario as the UI and the CLI list it: plain data. */
export interface ScenarioInfo {
  name: ScenarioName;
  title: string;
  description: string;
  /** What happens with the default knobs, in a sentence. */
  outcome: string;
  queues: ScenarioQueue[];
  /** Children whose failure can be injected (keys of `Knobs.failures`). */
  targets: string[];
  defaults: Knobs;
}

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

export type WorkerState = 'running' | 'closing';

export interface WorkerInfo {
  /** The host's id for this worker (`w<n>-<queue>`), stable for its lifetime. */
  id: string;
  queue: string;
  /** Who started it: a scenario name, or null for a worker started by hand. */
  owner: string | null;
  concurrency: number;
  /** Processor calls in flight right now. */
  running: number;
  /** Processor runs that ended, completed or failed (a pause for children is neither). */
  processed: number;
  completed: number;
  /** Failed runs, retried ones included. */
  failed: number;
  /** Epoch ms. */
  startedAt: number;
  state: WorkerState;
}

export interface ScenarioRun {
  name: ScenarioName;
  knobs: Knobs;
  /** Root keys of every flow seeded since the scenario started, oldest first. */
  roots: string[];
  /** Calls per target so far (per provider for llm-fanout). */
  calls: Record<string, number>;
  workers: WorkerInfo[];
  startedAt: number;
}

/** The number knobs a form can show. */
export const NUMBER_KNOBS = ['latencyMs', 'attempts', 'backoffMs', 'parentAttempts', 'flows', 'fanout', 'seed'] as const;
export type NumberKnob = (typeof NUMBER_KNOBS)[number];

/** Knobs every scenario reads: child latency, attempts and backoff, flows per run, the seed of its failure rates. */
const COMMON_KNOBS: readonly NumberKnob[] = ['latencyMs', 'attempts', 'backoffMs', 'flows', 'seed'];

/** The number knobs each scenario reads; a knob not listed does nothing in it, so the UI does not show it. */
export const SCENARIO_KNOBS: Readonly<Record<ScenarioName, readonly NumberKnob[]>> = {
  'llm-fanout': [...COMMON_KNOBS, 'parentAttempts'],
  'fail-fast': COMMON_KNOBS,
  'continue-on-failure': COMMON_KNOBS,
  'etl-chain': COMMON_KNOBS,
  'fan-out-aggregator': [...COMMON_KNOBS, 'fanout'],
  'order-workflow': COMMON_KNOBS,
  'stuck-parent': COMMON_KNOBS,
};

/** A scenario that was running when the core switched away from a connection, with its knobs then. */
export interface StoppedScenario {
  name: ScenarioName;
  knobs: Knobs;
  /** Flows it had seeded (they stay in Redis). */
  roots: number;
  /** Epoch ms of the switch. */
  stoppedAt: number;
}
