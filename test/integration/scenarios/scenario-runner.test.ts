// The scenario registry and runner: every scenario is well formed, knobs are validated with
// typed errors, and a scenario's workers close cleanly while its jobs are running, through
// the host's closeAll() or the runner's stopScenario(): no lock left, nothing active, and the
// interrupted flow carries on when the scenario runs again.
import { describe, expect, it } from 'vitest';
import { applyKnobs, listScenarios, SCENARIO_NAMES, seededRandom } from '../../../electron/core/scenarios';
import { waitUntil } from '../../helpers/flows';
import { scenarioHarnessForSuite, scenarioHarnessForTest, type ScenarioHarness } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

const runningOn = (h: ScenarioHarness, queues: string[]) =>
  h.host.list().filter((w) => queues.includes(w.queue)).reduce((n, w) => n + w.running, 0);

describe('scenario registry', () => {
  it('lists every scenario, well formed, each on queues of its own', () => {
    const all = listScenarios();
    expect(all.map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    const queues = all.flatMap((s) => s.queues.map((q) => q.name));
    expect(new Set(queues).size).toBe(queues.length);
    for (const s of all) {
      expect(s.title && s.description && s.outcome).toBeTruthy();
      expect(s.targets.length).toBeGreaterThan(0);
      for (const q of s.queues) expect(q.name).not.toContain(':');
      // Defaults pass their own validation and name only real targets.
      expect(applyKnobs(s.defaults, { failures: s.defaults.failures }, s.targets)).toEqual(s.defaults);
    }
    expect(all.find((s) => s.name === 'order-workflow')!.queues.length).toBeGreaterThanOrEqual(5);
  });

  it('draws the same seeded numbers every time, different ones for other words', () => {
    expect(seededRandom(7, 'fail', 'openai', 1)).toBe(seededRandom(7, 'fail', 'openai', 1));
    expect(seededRandom(7, 'fail', 'openai', 1)).not.toBe(seededRandom(7, 'fail', 'openai', 2));
    expect(seededRandom(7, 'fail', 'openai', 1)).not.toBe(seededRandom(8, 'fail', 'openai', 1));
    const draws = Array.from({ length: 2000 }, (_, i) => seededRandom(1, 'x', i));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('scenario runner', () => {
  const h = scenarioHarnessForSuite(redis);

  it('refuses unknown scenarios, bad knobs and knobs for a scenario that is not running, with typed errors', async () => {
    await expect(h.runner.runScenario('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.runner.runScenario('fail-fast', { latencyMs: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h.runner.runScenario('fail-fast', { failures: { 'no-such-child': { mode: 'always' } } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('no-such-child'),
    });
    await expect(h.runner.runScenario('fail-fast', { surprise: true })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(() => h.runner.setKnobs('stuck-parent', { latencyMs: 5 })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(h.runner.runs()).toEqual([]);
    expect(h.host.list()).toEqual([]);
  });

  it('merges partial knobs, one failure target at a time', async () => {
    await h.runner.runScenario('stuck-parent', { latencyMs: 5, backoffMs: 5 });
    const knobs = h.runner.setKnobs('stuck-parent', { failures: { 'fetch-sales': { mode: 'rate', rate: 0.25 } }, latencyMs: 7 });
    expect(knobs.latencyMs).toBe(7);
    expect(knobs.backoffMs).toBe(5);
    expect(knobs.failures).toEqual({
      'fetch-returns': { mode: 'until-fixed', rate: 0, fixed: false, error: 'retryable' },
      'fetch-sales': { mode: 'rate', rate: 0.25, fixed: false, error: 'retryable' },
    });
    expect(() => h.runner.setKnobs('stuck-parent', { failures: { 'fetch-sales': { rate: 2 } } })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(h.runner.status('stuck-parent')?.knobs.failures['fetch-sales']?.rate).toBe(0.25);
    await h.runner.stopScenario('stuck-parent');
    expect(h.runner.status('stuck-parent')).toBeNull();
    expect(h.host.list()).toEqual([]);
  });
});

describe('closing while jobs run', () => {
  it('host.closeAll() leaves no lock and nothing active; the interrupted flow completes when the scenario runs again', async () => {
    const h = await scenarioHarnessForTest(redis);
    const providers = ['llm-openai', 'llm-anthropic', 'llm-mistral'];
    const { seeded, run } = await h.runner.runScenario('llm-fanout', { latencyMs: 60_000, attempts: 1 });
    const root = seeded[0]!;
    const scenarioQueues = run.workers.map((w) => w.queue);
    // No event says "a processor is running": poll the host's own count.
    await waitUntil(async () => runningOn(h, providers) === 3);
    // The three providers, and the orchestrator too if it has not reached waiting-children yet.
    expect((await h.lockKeys()).length).toBeGreaterThanOrEqual(3);

    const t0 = Date.now();
    await h.host.closeAll({ timeoutMs: 200 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(h.host.list()).toEqual([]);
    expect(await h.lockKeys()).toEqual([]);
    expect(await h.activeCount(scenarioQueues)).toBe(0);
    expect(await h.oracle.state(root)).toBe('waiting-children');
    const pending = (await h.oracle.dependencies(root)).unprocessed;
    expect(pending).toHaveLength(3);
    for (const key of pending) {
      const job = await h.job(key);
      expect(await job.getState()).toBe('waiting');
      expect(job.attemptsMade).toBe(0);
    }

    // Run it again (fast, fixed): its workers come back and the same flow finishes at once,
    // not after a lock expiry.
    await h.runner.runScenario('llm-fanout', { latencyMs: 5, failures: { anthropic: { fixed: true } } });
    await h.outcomes.until({ [root]: 'completed' }, 10_000);
  });

  it('stopScenario() closes only that scenario\'s workers, cleanly, while its jobs run', async () => {
    const h = await scenarioHarnessForTest(redis);
    await h.runner.runScenario('etl-chain', { latencyMs: 10 });
    const { run } = await h.runner.runScenario('stuck-parent', { latencyMs: 60_000 });
    const stuckQueues = run.workers.map((w) => w.queue);
    await waitUntil(async () => runningOn(h, stuckQueues) === 3);

    await h.runner.stopScenario('stuck-parent', { timeoutMs: 100 });
    expect(h.runner.runs().map((r) => r.name)).toEqual(['etl-chain']);
    expect(new Set(h.host.list().map((w) => w.owner))).toEqual(new Set(['etl-chain']));
    expect(await h.lockKeys()).toEqual([]);
    expect(await h.activeCount(stuckQueues)).toBe(0);
    expect(await h.queue('stuck-fetch').getWaitingCount()).toBe(3);
  });
});
