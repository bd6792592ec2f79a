// Scenario etl-chain (seed 003): a pipeline extract -> transform -> load -> notify built as a
// chain: each step is the child of the next, so extract runs first and each step reads its
// one child's result. The links carry failParentOnFailure: a failing step fails the steps
// above it instead of leaving them waiting.
import type { Processor } from 'bullmq';
import { flowSpec, seedFlows } from './flow-builder';
import { leafWork } from './leaf-work';
import type { ScenarioContext, ScenarioDefinition } from './scenario-types';
import { seededRandom } from './seeded-random';
import { onlyChildValue } from './step-processor';
import { scenarioDefaults } from './knobs';

export const ETL_QUEUES = {
  extract: 'etl-extract',
  transform: 'etl-transform',
  load: 'etl-load',
  notify: 'etl-notify',
} as const;
const Q = ETL_QUEUES;

interface Records {
  records: { id: number; value: string }[];
  count: number;
}

export interface PipelineResult {
  pipelineId: string;
  loaded: number;
  notified: true;
}

function records(value: unknown): Records {
  const v = value as Partial<Records> | undefined;
  return { records: v?.records ?? [], count: v?.count ?? 0 };
}

function processors(ctx: ScenarioContext): Record<string, Processor> {
  return {
    [Q.extract]: async (job, _token, signal) => {
      await leafWork(ctx, 'extract', signal);
      const n = 3 + Math.floor(seededRandom(ctx.knobs().seed, 'extract', String(job.data.pipelineId)) * 5);
      const rows = Array.from({ length: n }, (_, id) => ({ id, value: `row-${id}` }));
      return { records: rows, count: rows.length } satisfies Records;
    },
    [Q.transform]: async (job, _token, signal) => {
      await leafWork(ctx, 'transform', signal);
      const input = records(await onlyChildValue(job));
      const rows = input.records.map((r) => ({ id: r.id, value: r.value.toUpperCase() }));
      return { records: rows, count: rows.length } satisfies Records;
    },
    [Q.load]: async (job, _token, signal) => {
      await leafWork(ctx, 'load', signal);
      return { loaded: records(await onlyChildValue(job)).count };
    },
    [Q.notify]: async (job, _token, signal) => {
      await leafWork(ctx, 'notify', signal);
      const load = (await onlyChildValue(job)) as { loaded?: number } | undefined;
      return { pipelineId: String(job.data.pipelineId), loaded: load?.loaded ?? 0, notified: true } satisfies PipelineResult;
    },
  };
}

export const etlChain: ScenarioDefinition = {
  name: 'etl-chain',
  title: 'ETL chain',
  description: 'A pipeline extract -> transform -> load -> notify: each step the child of the next (failParentOnFailure), reading its child\'s result.',
  outcome:
    'Nothing fails by default: extract runs first, then transform and load, and notify completes last with the loaded count. ' +
    'A failing step fails every step above it.',
  queues: Object.values(Q).map((name) => ({ name, concurrency: 2 })),
  targets: ['extract', 'transform', 'load', 'notify'],
  defaults: scenarioDefaults({ seed: 3 }),
  processors,
  seed: (ctx) =>
    seedFlows(ctx, (i) => {
      const pipelineId = `pipeline-${i + 1}`;
      return [
        flowSpec('notify', Q.notify, 'none', [
          flowSpec('load', Q.load, 'fail-parent', [
            flowSpec('transform', Q.transform, 'fail-parent', [
              flowSpec('extract', Q.extract, 'fail-parent', undefined, { pipelineId, stage: 'extract' }),
            ], { pipelineId, stage: 'transform' }),
          ], { pipelineId, stage: 'load' }),
        ], { pipelineId, stage: 'notify' }),
      ];
    }),
};
