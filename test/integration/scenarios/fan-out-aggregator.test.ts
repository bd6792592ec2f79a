// fan-out-aggregator on real workers: the items finish out of order (seeded latencies) and
// the aggregator returns their results in item order; a failing item with no policy leaves
// the aggregator waiting for its children for ever.
import { describe, expect, it } from 'vitest';
import type { AggregateResult } from '../../../electron/core/scenarios/fan-out-aggregator';
import { scenarioHarnessForTest } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

describe('fan-out-aggregator', () => {
  it('aggregates the items in item order, though they finish out of order', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('fan-out-aggregator', { latencyMs: 40, fanout: 10 });
    const root = seeded[0]!;
    await h.outcomes.until({ [root]: 'completed' });

    const aggregate = (await h.job(root)).returnvalue as AggregateResult;
    expect(aggregate).toEqual({ batchId: 'batch-1', totalItems: 10, results: Array.from({ length: 10 }, (_, i) => (i + 1) * 2) });
    const finishOrder = await Promise.all(
      h.outcomes
        .all()
        .filter((e) => e.queue === 'fanout-items')
        .map(async (e) => Number((await h.job(e.key)).data.index)),
    );
    expect([...finishOrder].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(finishOrder).not.toEqual([...finishOrder].sort((a, b) => a - b));
    expect(await h.oracle.counts(root)).toEqual({ processed: 10, unprocessed: 0, failed: 0, ignored: 0 });
    expect(h.runner.status('fan-out-aggregator')?.calls).toEqual({ 'process-item': 10, 'aggregate-results': 1 });
  });

  it('a failing item with no policy leaves the aggregator waiting for its children', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('fan-out-aggregator', {
      latencyMs: 5,
      attempts: 1,
      fanout: 4,
      seed: 11,
      failures: { 'process-item': { mode: 'rate', rate: 0.5 } },
    });
    const root = seeded[0]!;
    const items = [...(await h.oracle.walk(root, 1)).keys()].filter((k) => k !== root);
    expect(items).toHaveLength(4);
    await h.outcomes.settled(items);
    const failed = items.filter((k) => h.outcomes.outcome(k) === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(await h.oracle.state(root)).toBe('waiting-children');
    expect((await h.oracle.dependencies(root)).unprocessed.sort()).toEqual(failed.sort());
  });
});
