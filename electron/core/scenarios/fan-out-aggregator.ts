// Scenario fan-out-aggregator (seed 003): N items processed in parallel under one parent.
// Seeded latencies make them finish out of order, the same way on every run; the aggregator
// returns their results in item order (getChildrenValues is a hash: it has no order).
import type { Processor } from 'bullmq';
import { flowSpec, seedFlows } from './flow-builder';
import { leafWork } from './leaf-work';
import type { ScenarioContext, ScenarioDefinition } from './scenario-types';
import { seededRandom } from './seeded-random';
import { scenarioDefaults } from './knobs';

export const FANOUT_QUEUES = { aggregator: 'fanout-aggregator', items: 'fanout-items' } as const;
const Q = FANOUT_QUEUES;

export interface ItemResult {
  index: number;
  result: number;
}

export interface AggregateResult {
  batchId: string;
  totalItems: number;
  /** Item results in item order, whatever order they finished in. */
  results: number[];
}

function processors(ctx: ScenarioContext): Record<string, Processor> {
  return {
    [Q.items]: async (job, _token, signal) => {
      const index = Number(job.data.index);
      await leafWork(ctx, 'process-item', signal, { latencyFactor: 0.2 + 1.6 * seededRandom(ctx.knobs().seed, 'item', index) });
      return { index, result: Number(job.data.item) * 2 } satisfies ItemResult;
    },
    [Q.aggregator]: async (job, _token, signal) => {
      await leafWork(ctx, 'aggregate-results', signal);
      const items = Object.values((await job.getChildrenValues()) ?? {}) as ItemResult[];
      items.sort((a, b) => a.index - b.index);
      return { batchId: String(job.data.batchId), totalItems: Number(job.data.totalItems), results: items.map((i) => i.result) } satisfies AggregateResult;
    },
  };
}

export const fanOutAggregator: ScenarioDefinition = {
  name: 'fan-out-aggregator',
  title: 'Fan-out aggregator',
  description: 'A parent with N item children processed in parallel; it aggregates their results in item order.',
  outcome:
    'Nothing fails by default: the 8 items finish out of order and aggregate-results completes with their results in item order. ' +
    'A failing item (no policy) leaves the aggregator waiting for ever.',
  queues: [
    { name: Q.aggregator, concurrency: 2 },
    { name: Q.items, concurrency: 8 },
  ],
  targets: ['process-item', 'aggregate-results'],
  defaults: scenarioDefaults({ seed: 6 }),
  processors,
  seed: (ctx) =>
    seedFlows(ctx, (i, knobs) => {
      const batchId = `batch-${i + 1}`;
      return [
        flowSpec(
          'aggregate-results',
          Q.aggregator,
          'none',
          Array.from({ length: knobs.fanout }, (_, index) => flowSpec('process-item', Q.items, 'none', undefined, { batchId, index, item: index + 1 })),
          { batchId, totalItems: knobs.fanout },
        ),
      ];
    }),
};
