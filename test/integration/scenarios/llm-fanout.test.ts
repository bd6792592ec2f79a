// llm-fanout on real workers: with anthropic failing until fixed the orchestrator spends its
// attempts re-spawning only anthropic, then fails naming it, holding one failed anthropic child
// per attempt, while openai and mistral were called exactly once; fixing the provider while
// the parent retries lets it complete; BullMQ's own retries after exhaustion show the
// "children already done" path; unrecoverable provider errors stop it at once; seeded failure
// rates repeat.
import { describe, expect, it } from 'vitest';
import type { OrchestratorData, OrchestratorResult } from '../../../electron/core/scenarios';
import { PROVIDERS, providerCalls, providerQueue } from '../../../electron/core/scenarios';
import { queueOf, scenarioHarnessForTest, type ScenarioHarness } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

const FAST = { latencyMs: 20, attempts: 1, backoffMs: 50, parentAttempts: 3 };

async function withHarness(test: (h: ScenarioHarness) => Promise<void>): Promise<void> {
  const h = await scenarioHarnessForTest(redis);
  await test(h);
}

/** Per-provider call counters, as the run exposes them. */
function calls(h: ScenarioHarness): Record<string, number> {
  return providerCalls(h.runner.status('llm-fanout')?.calls ?? {});
}

describe('llm-fanout', () => {
  it('with anthropic failing until fixed: the parent exhausts its attempts, holds one failed anthropic child per attempt, openai and mistral ran once', () =>
    withHarness(async (h) => {
      const { seeded, run } = await h.runner.runScenario('llm-fanout', FAST);
      expect(run.workers.map((w) => w.queue).sort()).toEqual(['llm-anthropic', 'llm-mistral', 'llm-openai', 'llm-orchestrator']);
      const root = seeded[0]!;
      await h.outcomes.until({ [root]: 'failed' });

      const parent = await h.job(root);
      expect(await parent.getState()).toBe('failed');
      expect(parent.attemptsMade).toBe(3);
      expect(parent.failedReason).toMatch(
        /^no result from anthropic on attempt 3 of 3: anthropic \(child \S+:llm-anthropic:\S+ failed: anthropic: rate limit exceeded \(429\) \(call 3\)\)$/,
      );

      const deps = await h.oracle.dependencies(root);
      expect(deps.unprocessed).toEqual([]);
      expect(deps.failed).toEqual([]);
      expect(deps.processed.map(queueOf).sort()).toEqual(['llm-mistral', 'llm-openai']);
      expect(deps.ignored).toHaveLength(3);
      expect(deps.ignored.map(queueOf)).toEqual(['llm-anthropic', 'llm-anthropic', 'llm-anthropic']);
      for (const key of deps.ignored) expect(await h.oracle.state(key)).toBe('failed');

      expect(calls(h)).toEqual({ openai: 1, anthropic: 3, mistral: 1 });
      expect(await h.queue('llm-openai').count()).toBe(0);
      expect(await h.queue('llm-openai').getCompletedCount()).toBe(1);
      expect(await h.queue('llm-mistral').getCompletedCount()).toBe(1);

      // What the parent handled across its retries, in its own data.
      const data = parent.data as OrchestratorData;
      expect(data.step).toBe('spawn');
      expect(data.handledFailures.map((f) => [f.provider, f.attempt])).toEqual([
        ['anthropic', 1],
        ['anthropic', 2],
        ['anthropic', 3],
      ]);
      expect(data.handledFailures.map((f) => f.childKey).sort()).toEqual([...deps.ignored].sort());
      const { logs } = await h.queue('llm-orchestrator').getJobLogs(parent.id ?? '');
      expect(logs.filter((l) => l.includes('spawned'))).toEqual([
        'attempt 1: spawned openai, anthropic, mistral',
        'attempt 2: spawned anthropic',
        'attempt 3: spawned anthropic',
      ]);
      expect(logs.some((l) => l.includes('Unknown step'))).toBe(false);

      // Fixed afterwards: BullMQ's own retry of the newest failed child runs it again, its result
      // lands in the parent's processed bucket, but the failed parent stays failed (nobody aggregates).
      h.runner.setKnobs('llm-fanout', { failures: { anthropic: { fixed: true } } });
      const newest = (await h.queue('llm-anthropic').getFailed()).sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))[0]!;
      await newest.retry('failed');
      const newestKey = `${h.prefix}:llm-anthropic:${newest.id}`;
      await h.outcomes.until({ [newestKey]: 'completed' });
      expect(await h.oracle.bucketIn(root, newestKey)).toBe('processed');
      expect(await h.oracle.state(root)).toBe('failed');

      // BullMQ's retry of the parent: every provider already has a result, so it spawns nothing,
      // finds its children already done when it asks to wait, and completes in the same run.
      await parent.retry('failed', { resetAttemptsMade: true });
      await h.outcomes.until({ [root]: 'completed' });
      const done = await h.job(root);
      const result = done.returnvalue as OrchestratorResult;
      expect(result.answers.map((a) => a.provider)).toEqual([...PROVIDERS]);
      expect(result.handledFailures).toBe(3);
      expect(calls(h)).toEqual({ openai: 1, anthropic: 4, mistral: 1 });
      const after = await h.queue('llm-orchestrator').getJobLogs(done.id ?? '');
      expect(after.logs).toContain('attempt 1: every provider has a result or a pending child; nothing to spawn');
    }));

  it('fixing the provider while the parent retries lets the same flow complete; only anthropic ran again', () =>
    withHarness(async (h) => {
      // Fix it the moment the parent's first attempt fails, before its retry spawns anthropic again.
      h.host.onJob((e) => {
        if (e.queue === 'llm-orchestrator' && e.outcome === 'failed' && !e.final) {
          h.runner.setKnobs('llm-fanout', { failures: { anthropic: { fixed: true } } });
        }
      });
      const { seeded } = await h.runner.runScenario('llm-fanout', FAST);
      const root = seeded[0]!;
      await h.outcomes.until({ [root]: 'completed' });

      const parent = await h.job(root);
      const result = parent.returnvalue as OrchestratorResult;
      expect(result.attempt).toBe(2);
      expect(result.handledFailures).toBe(1);
      expect(result.answers.map((a) => [a.provider, a.call])).toEqual([
        ['openai', 1],
        ['anthropic', 2],
        ['mistral', 1],
      ]);
      expect(calls(h)).toEqual({ openai: 1, anthropic: 2, mistral: 1 });
      const counts = await h.oracle.counts(root);
      expect(counts).toEqual({ processed: 3, unprocessed: 0, failed: 0, ignored: 1 });
      expect(h.runner.status('llm-fanout')?.knobs.failures.anthropic).toMatchObject({ mode: 'until-fixed', fixed: true });
    }));

  it('an unrecoverable provider error fails the parent at once, without spending its other attempts', () =>
    withHarness(async (h) => {
      const { seeded } = await h.runner.runScenario('llm-fanout', {
        ...FAST,
        attempts: 3,
        failures: { anthropic: { mode: 'always', error: 'unrecoverable' } },
      });
      const root = seeded[0]!;
      await h.outcomes.until({ [root]: 'failed' });
      const parent = await h.job(root);
      expect(parent.attemptsMade).toBe(1);
      expect(parent.failedReason).toContain('invalid API key (401)');
      expect(parent.failedReason).toMatch(/not retrying$/);
      // The child did not retry either, though it had 3 attempts.
      expect(calls(h)).toEqual({ openai: 1, anthropic: 1, mistral: 1 });
      expect((await h.oracle.dependencies(root)).ignored).toHaveLength(1);
    }));

  it('seeded failure rates and answers repeat run after run', async () => {
    const knobs = {
      ...FAST,
      seed: 7,
      parentAttempts: 6,
      failures: Object.fromEntries(PROVIDERS.map((p) => [p, { mode: 'rate', rate: 0.5, error: 'retryable' }])),
    };
    const runs: { calls: Record<string, number>; outcome: string | undefined; answers: unknown }[] = [];
    for (let i = 0; i < 2; i++) {
      await withHarness(async (h) => {
        const { seeded } = await h.runner.runScenario('llm-fanout', knobs);
        const root = seeded[0]!;
        await h.outcomes.settled([root]);
        const parent = await h.job(root);
        runs.push({ calls: calls(h), outcome: h.outcomes.outcome(root), answers: (parent.returnvalue as OrchestratorResult | null)?.answers ?? parent.failedReason });
      });
    }
    expect(runs[1]).toEqual(runs[0]);
    // Some calls failed and were re-spawned: the rate did something.
    const total = Object.values(runs[0]!.calls).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(3);
  });

  it('children that finish before the parent asks to wait never end in "Unknown step"', () =>
    withHarness(async (h) => {
      const { seeded } = await h.runner.runScenario('llm-fanout', { ...FAST, latencyMs: 0, flows: 6, failures: { anthropic: null } });
      await h.outcomes.until(Object.fromEntries(seeded.map((k) => [k, 'completed'])));
      for (const root of seeded) {
        const result = (await h.job(root)).returnvalue as OrchestratorResult;
        expect(result.answers.map((a) => a.provider)).toEqual([...PROVIDERS]);
        expect(result.attempt).toBe(1);
      }
      expect(calls(h)).toEqual({ openai: 6, anthropic: 6, mistral: 6 });
      for (const p of PROVIDERS) expect(await h.queue(providerQueue(p)).getCompletedCount()).toBe(6);
    }));
});
