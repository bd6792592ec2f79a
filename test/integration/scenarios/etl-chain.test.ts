// etl-chain on real workers: the chain runs extract first and notify last, each step reading
// its child's result; a failing step fails every step above it (failParentOnFailure).
import { describe, expect, it } from 'vitest';
import type { PipelineResult } from '../../../electron/core/scenarios/etl-chain';
import { scenarioHarnessForTest } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

describe('etl-chain', () => {
  it('runs the chain bottom-up, each step reading its child\'s result', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('etl-chain', { latencyMs: 40 });
    const chainRoot = seeded[0]!;
    await h.outcomes.until({ [chainRoot]: 'completed' });

    // Extract ran first and notify last: the order of completions on the host.
    expect(h.outcomes.all().map((e) => [e.name, e.outcome])).toEqual([
      ['extract', 'completed'],
      ['transform', 'completed'],
      ['load', 'completed'],
      ['notify', 'completed'],
    ]);
    const view = await h.oracle.walk(chainRoot);
    expect(view.size).toBe(4);
    for (const [, node] of view) expect(node.state).toBe('completed');
    const notify = (await h.job(chainRoot)).returnvalue as PipelineResult;
    expect(notify.pipelineId).toBe('pipeline-1');
    expect(notify.loaded).toBeGreaterThanOrEqual(3);
  });

  it('a failing transform fails load and notify above it', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('etl-chain', {
      latencyMs: 10,
      attempts: 1,
      failures: { transform: { mode: 'always' } },
    });
    const chainRoot = seeded[0]!;
    await h.outcomes.until({ [chainRoot]: 'failed' });
    const byName = new Map<string, string>();
    for (const key of (await h.oracle.walk(chainRoot)).keys()) byName.set((await h.job(key)).name, key);
    expect(await h.oracle.state(byName.get('extract')!)).toBe('completed');
    expect(await h.oracle.state(byName.get('transform')!)).toBe('failed');
    expect((await h.job(byName.get('load')!)).failedReason).toBe(`child ${byName.get('transform')} failed`);
    expect((await h.job(chainRoot)).failedReason).toBe(`child ${byName.get('load')} failed`);
  });
});
