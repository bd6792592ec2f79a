// stuck-parent on real workers: a child with no policy fails for good and blocks its parent
// for ever (waiting-children, the child still in `:dependencies`); fixing it and retrying it
// with BullMQ's own job.retry() releases the parent, which completes.
import { describe, expect, it } from 'vitest';
import { scenarioHarnessForTest } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

describe('stuck-parent', () => {
  it('blocks the parent for ever until the child is fixed and retried', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('stuck-parent', { latencyMs: 10, backoffMs: 10 });
    const root = seeded[0]!;
    // Every bucket, not only unprocessed: a fast child may already be done.
    const children = [...(await h.oracle.walk(root, 1)).keys()].filter((k) => k !== root);
    const byName = Object.fromEntries(await Promise.all(children.map(async (k) => [(await h.job(k)).name, k] as const)));
    expect(Object.keys(byName).sort()).toEqual(['fetch-inventory', 'fetch-returns', 'fetch-sales']);
    const returns = byName['fetch-returns']!;
    await h.outcomes.until({ [byName['fetch-sales']!]: 'completed', [byName['fetch-inventory']!]: 'completed', [returns]: 'failed' });

    expect((await h.job(returns)).attemptsMade).toBe(2);
    expect(await h.oracle.state(root)).toBe('waiting-children');
    expect(await h.oracle.dependencies(root)).toEqual({
      processed: expect.arrayContaining([byName['fetch-sales'], byName['fetch-inventory']]),
      unprocessed: [returns],
      failed: [],
      ignored: [],
    });
    expect(h.runner.status('stuck-parent')?.calls['nightly-report']).toBeUndefined();

    h.runner.setKnobs('stuck-parent', { failures: { 'fetch-returns': { fixed: true } } });
    await (await h.job(returns)).retry('failed');
    await h.outcomes.until({ [returns]: 'completed', [root]: 'completed' });
    expect(await h.oracle.counts(root)).toEqual({ processed: 3, unprocessed: 0, failed: 0, ignored: 0 });
    expect(h.runner.status('stuck-parent')?.calls).toEqual({ 'fetch-sales': 1, 'fetch-inventory': 1, 'fetch-returns': 3, 'nightly-report': 1 });
  });
});
