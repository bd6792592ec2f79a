// Scenario llm-fanout: seed 000's multi-LLM orchestrator (see llm-orchestrator.ts) with three
// mock providers; by default one provider fails until the presenter fixes it, so the parent
// spends its attempts re-spawning only that provider and finally fails naming it.
import type { Processor } from 'bullmq';
import { NO_FAILURE, scenarioDefaults } from './knobs';
import { PROVIDERS, callMockProvider, providerQueue, type ProviderQuery } from './mock-provider';
import { ORCHESTRATOR_QUEUE, initialOrchestratorData, orchestratorProcessor } from './llm-orchestrator';
import type { ScenarioDefinition } from './scenario-types';

const PROMPTS = [
  'Explain quantum computing in simple terms',
  'Summarise the BullMQ flow model in one paragraph',
  'Name three ways a job queue can lose work',
];

export const llmFanout: ScenarioDefinition = {
  name: 'llm-fanout',
  title: 'LLM fan-out orchestrator',
  description:
    'A step-based parent spawns openai, anthropic and mistral children from inside its processor (ignoreDependencyOnFailure), ' +
    'tracks the failures it handled across its own retries and re-spawns only the providers without a result.',
  outcome:
    'anthropic fails until fixed: openai and mistral answer once, the parent re-spawns only anthropic on each of its 3 attempts, ' +
    'then fails ("no result from anthropic …") holding 3 failed anthropic children in its ignored bucket. Fix it and a new run completes.',
  queues: [
    { name: ORCHESTRATOR_QUEUE, concurrency: 5 },
    ...PROVIDERS.map((p) => ({ name: providerQueue(p), concurrency: 5 })),
  ],
  targets: PROVIDERS,
  defaults: scenarioDefaults({ failures: { anthropic: { ...NO_FAILURE, mode: 'until-fixed' } }, seed: 42, latencyMs: 500, backoffMs: 500, parentAttempts: 3 }),
  processors(ctx) {
    const processors: Record<string, Processor> = { [ORCHESTRATOR_QUEUE]: orchestratorProcessor(ctx) };
    for (const provider of PROVIDERS) {
      processors[providerQueue(provider)] = (job, _token, signal) => callMockProvider(ctx, provider, job.data as ProviderQuery, signal);
    }
    return processors;
  },
  async seed(ctx) {
    const knobs = ctx.knobs();
    const roots: string[] = [];
    for (let i = 0; i < knobs.flows; i++) {
      const job = await ctx.queue(ORCHESTRATOR_QUEUE).add('orchestrate', initialOrchestratorData(PROMPTS[i % PROMPTS.length] ?? 'hello'), {
        attempts: knobs.parentAttempts,
        backoff: { type: 'fixed', delay: knobs.backoffMs },
      });
      roots.push(ctx.key(ORCHESTRATOR_QUEUE, job.id ?? ''));
    }
    return roots;
  },
};
