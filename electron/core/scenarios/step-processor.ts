// The processor of an ordinary scenario job, leaf or parent: do the mock work of a target
// named like the job (so any job name can be made to fail), then report what it saw from
// its children. Parents reach it only once their children let them (BullMQ's own rules).
import type { Processor } from 'bullmq';
import { leafWork } from './leaf-work';
import type { ScenarioContext } from './scenario-types';

export interface StepResult {
  step: string;
  call: number;
  /** Results of the children this job had, keyed by child key. */
  children: Record<string, unknown>;
}

export function stepProcessor(ctx: ScenarioContext): Processor<unknown, StepResult> {
  return async (job, _token, signal) => {
    const call = await leafWork(ctx, job.name, signal);
    return { step: job.name, call, children: (await job.getChildrenValues()) ?? {} };
  };
}

/** The one result of a job's only child (a chain step), or undefined. */
export async function onlyChildValue(job: { getChildrenValues(): Promise<Record<string, unknown>> }): Promise<unknown> {
  return Object.values((await job.getChildrenValues()) ?? {})[0];
}

/** The same step processor on every queue named (scenarios whose jobs all just do their step). */
export function stepsOn(ctx: ScenarioContext, queues: readonly string[]): Record<string, Processor> {
  const step = stepProcessor(ctx);
  return Object.fromEntries(queues.map((q) => [q, step]));
}
