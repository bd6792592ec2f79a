// A seed-style orchestrator (docs/SPEC.md §7 "LLM fan-out"): the parent keeps a `step` in its data,
// spawns one child per provider from inside its processor (ignore policy), waits for them,
// and on a provider failure records it as handled and throws, so its own retry re-spawns only
// the providers that have no result yet. A provider that keeps failing makes the parent use up
// its attempts while it collects one failed child per attempt.
import { WaitingChildrenError, type Job, type Queue } from 'bullmq';

export const PROVIDERS = ['provider-a', 'provider-b', 'provider-c'] as const;

export interface OrchestratorData {
  prompt: string;
  step: 'spawn' | 'wait';
  /** Keys of failed children this parent has already reacted to, across its own retries. */
  handled: string[];
}

export interface Answer {
  provider: string;
  text: string;
}

export function orchestratorProcessor(providers: Queue) {
  return async (job: Job<OrchestratorData>, token?: string): Promise<Answer[]> => {
    let step = job.data.step;
    for (;;) {
      if (step === 'spawn') {
        const answered = new Set(Object.values(await job.getChildrenValues<Answer>()).map((a) => a.provider));
        for (const provider of PROVIDERS.filter((p) => !answered.has(p))) {
          await providers.add(
            provider,
            { provider, prompt: job.data.prompt },
            { parent: { id: job.id!, queue: job.queueQualifiedName }, ignoreDependencyOnFailure: true, attempts: 1 },
          );
        }
        await job.updateData({ ...job.data, step: 'wait' });
        // Re-read the step after updateData: a stale local `step` falls through to "Unknown step".
        step = job.data.step;
        if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
      } else if (step === 'wait') {
        const failures = await job.getIgnoredChildrenFailures();
        const unhandled = Object.keys(failures).filter((key) => !job.data.handled.includes(key));
        if (unhandled.length > 0) {
          await job.updateData({ ...job.data, step: 'spawn', handled: [...job.data.handled, ...unhandled] });
          throw new Error(`providers failed: ${unhandled.join(', ')}`);
        }
        const answers = Object.values(await job.getChildrenValues<Answer>());
        return answers.sort((x, y) => x.provider.localeCompare(y.provider));
      } else {
        throw new Error(`Unknown step ${String(step)}`);
      }
    }
  };
}
