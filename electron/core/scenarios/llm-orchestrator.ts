// The LLM fan-out orchestrator of seed 000, done right. It spawns one child per provider
// from inside its processor (ignoreDependencyOnFailure), keeps its `step` in the job's data
// and re-reads it after every updateData (a stale local step is how seed 000 ends in
// "Unknown step"), treats "children already done" (moveToWaitingChildren returns false) as
// the normal way into the check, records the failures it handled across its own retries in
// its data, and on a retry spawns only the providers with neither a result nor a pending
// child, so a provider that answered is never paid twice.
import { UnrecoverableError, WaitingChildrenError, type Job, type Processor } from 'bullmq';
import {
  FATAL_PROVIDER_ERROR,
  PROVIDER_MODELS,
  PROVIDERS,
  isProviderAnswer,
  providerOfKey,
  providerQueue,
  type Provider,
  type ProviderAnswer,
  type ProviderQuery,
} from './mock-provider';
import { requireToken } from './job-token';
import type { ScenarioContext } from './scenario-types';

/** spawn: add the missing provider children; wait: wait for them, then check and collect. */
export type OrchestratorStep = 'spawn' | 'wait';

export interface HandledFailure {
  childKey: string;
  provider: Provider | null;
  reason: string;
  /** The parent's attempt that handled it (1-based). */
  attempt: number;
}

export interface OrchestratorData {
  prompt: string;
  step: OrchestratorStep;
  handledFailures: HandledFailure[];
}

export interface OrchestratorResult {
  answers: ProviderAnswer[];
  /** The attempt that completed (1-based). */
  attempt: number;
  handledFailures: number;
}

export const ORCHESTRATOR_QUEUE = 'llm-orchestrator';

export function initialOrchestratorData(prompt: string): OrchestratorData {
  return { prompt, step: 'spawn', handledFailures: [] };
}

export function orchestratorProcessor(ctx: ScenarioContext): Processor<OrchestratorData, OrchestratorResult> {
  return async (job, token) => {
    for (;;) {
      const step = job.data.step;
      switch (step) {
        case 'spawn':
          await spawnMissingProviders(ctx, job);
          await job.updateData({ ...job.data, step: 'wait' });
          continue;
        case 'wait':
          if (await job.moveToWaitingChildren(requireToken(token))) throw new WaitingChildrenError();
          // Every child is done: now, or before we asked (fast children, or a resumed run).
          return await collectAnswers(ctx, job);
        default: {
          const unknown: never = step;
          throw new UnrecoverableError(`orchestrator data has an unknown step ${JSON.stringify(unknown)}`);
        }
      }
    }
  };
}

async function spawnMissingProviders(ctx: ScenarioContext, job: Job<OrchestratorData>): Promise<void> {
  // Without options getDependencies reads every bucket whole. A pending child counts as
  // covered too, so a run repeated after a crash between spawn and updateData adds no twin.
  const deps = await job.getDependencies();
  const covered = new Set<Provider>();
  for (const key of [...Object.keys(deps.processed ?? {}), ...(deps.unprocessed ?? [])]) {
    const provider = providerOfKey(ctx.prefix, key);
    if (provider) covered.add(provider);
  }
  const missing = PROVIDERS.filter((p) => !covered.has(p));
  const knobs = ctx.knobs();
  const parent = { id: jobId(job), queue: job.queueQualifiedName };
  await Promise.all(
    missing.map((provider) =>
      ctx.queue(providerQueue(provider)).add(
        `query-${provider}`,
        { prompt: job.data.prompt, model: PROVIDER_MODELS[provider] } satisfies ProviderQuery,
        {
          parent,
          ignoreDependencyOnFailure: true,
          attempts: knobs.attempts,
          backoff: { type: 'fixed', delay: knobs.backoffMs },
        },
      ),
    ),
  );
  await job.log(
    missing.length > 0
      ? `attempt ${job.attemptsMade + 1}: spawned ${missing.join(', ')}`
      : `attempt ${job.attemptsMade + 1}: every provider has a result or a pending child; nothing to spawn`,
  );
}

async function collectAnswers(ctx: ScenarioContext, job: Job<OrchestratorData>): Promise<OrchestratorResult> {
  const attempt = job.attemptsMade + 1;
  const answers = new Map<Provider, ProviderAnswer>();
  for (const value of Object.values((await job.getChildrenValues()) ?? {})) {
    if (isProviderAnswer(value) && !answers.has(value.provider)) answers.set(value.provider, value);
  }
  const missing = PROVIDERS.filter((p) => !answers.has(p));
  if (missing.length === 0) {
    await job.log(`attempt ${attempt}: all ${PROVIDERS.length} providers answered`);
    return {
      answers: PROVIDERS.flatMap((p) => answers.get(p) ?? []),
      attempt,
      handledFailures: job.data.handledFailures.length,
    };
  }

  // getIgnoredChildrenFailures keeps every failure of every earlier attempt: handle only new ones.
  const handled = new Set(job.data.handledFailures.map((f) => f.childKey));
  const fresh: HandledFailure[] = Object.entries(await job.getIgnoredChildrenFailures())
    .filter(([childKey]) => !handled.has(childKey))
    .map(([childKey, reason]) => ({ childKey, provider: providerOfKey(ctx.prefix, childKey), reason, attempt }));
  // One write: the next attempt starts at `spawn` and knows what was already handled.
  await job.updateData({ ...job.data, step: 'spawn', handledFailures: [...job.data.handledFailures, ...fresh] });

  const why = missing
    .map((p) => {
      const failure = fresh.find((f) => f.provider === p);
      return failure ? `${p} (child ${failure.childKey} failed: ${failure.reason})` : `${p} (its child ended without a result)`;
    })
    .join('; ');
  const message = `no result from ${missing.join(', ')} on attempt ${attempt} of ${job.opts.attempts ?? 1}: ${why}`;
  await job.log(message);
  if (fresh.some((f) => f.provider && missing.includes(f.provider) && f.reason.includes(FATAL_PROVIDER_ERROR))) {
    throw new UnrecoverableError(`${message}; not retrying`);
  }
  throw new Error(message);
}

function jobId(job: Job): string {
  if (!job.id) throw new UnrecoverableError('job without an id');
  return job.id;
}
