// What a scenario is: a named demo of one BullMQ failure behaviour, with its queues, the
// processors for them, its knobs and a seed() that adds its flows; and what a running one
// gets from the runner (current knobs, call counters, queues to spawn children into).
import type { FlowProducer, Processor, Queue } from 'bullmq';
import type { Logger } from '../log/logger';
import type { CallCounter } from './call-counter';
import type { Knobs } from '../../../shared/scenarios';

export { SCENARIO_NAMES, type ScenarioInfo, type ScenarioName, type ScenarioQueue } from '../../../shared/scenarios';
import type { ScenarioInfo, ScenarioName, ScenarioQueue } from '../../../shared/scenarios';

/** What a running scenario's processors and seed() get. */
export interface ScenarioContext {
  readonly name: ScenarioName;
  readonly prefix: string;
  /** The current knobs: read them at call time, they change while the scenario runs. */
  knobs(): Knobs;
  readonly calls: CallCounter;
  /** A Queue of this run (opened once, closed with the run), to add jobs or spawn children. */
  queue(name: string): Queue;
  readonly flows: FlowProducer;
  readonly log: Logger;
  /** Full job key `P:Q:id`. */
  key(queue: string, id: string): string;
}

export interface ScenarioDefinition extends Omit<ScenarioInfo, 'queues' | 'targets'> {
  queues: readonly ScenarioQueue[];
  targets: readonly string[];
  /** One processor per queue of `queues`. */
  processors(ctx: ScenarioContext): Record<string, Processor>;
  /** Adds the scenario's flow(s) as the knobs say; returns their root keys. */
  seed(ctx: ScenarioContext): Promise<string[]>;
}
