// fail-fast on real workers: a failing grandchild with failParentOnFailure fails its parent,
// which fails the root (deferred failures, recursive); an unrecoverable critical check fails
// the payment at once; the non-critical children still complete. And a knob: with the
// failures switched off, a fresh run completes both trees.
import { describe, expect, it } from 'vitest';
import { scenarioHarnessForTest, type ScenarioHarness } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

const FAST = { latencyMs: 20, backoffMs: 20 };

/** Keys of a tree by job name, from BullMQ's own getDependencies, walked from the root. */
async function keysByName(h: ScenarioHarness, root: string): Promise<Record<string, string>> {
  const view = await h.oracle.walk(root);
  const byName: Record<string, string> = {};
  for (const key of view.keys()) byName[(await h.job(key)).name] = key;
  return byName;
}

describe('fail-fast', () => {
  it('a failing grandchild fails its parent and the root; an unrecoverable check fails the payment at once', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('fail-fast', FAST);
    const [deployRoot, paymentRoot] = seeded as [string, string];
    await h.outcomes.until({ [deployRoot]: 'failed', [paymentRoot]: 'failed' });

    const d = await keysByName(h, deployRoot);
    expect(Object.keys(d).sort()).toEqual(['build-code', 'compile', 'deploy-application', 'lint', 'run-tests', 'update-docs']);
    // The siblings are not removed by failParentOnFailure: they still run to the end.
    await h.outcomes.until({ [d.lint!]: 'completed', [d['run-tests']!]: 'completed', [d['update-docs']!]: 'completed', [d.compile!]: 'failed' });

    const compile = await h.job(d.compile!);
    expect(compile.attemptsMade).toBe(2); // retryable: it used its 2 attempts
    expect(compile.failedReason).toBe('compile: injected failure (call 2)');
    const build = await h.job(d['build-code']!);
    expect(await build.getState()).toBe('failed');
    expect(build.failedReason).toBe(`child ${d.compile} failed`);
    const deploy = await h.job(deployRoot);
    expect(await deploy.getState()).toBe('failed');
    expect(deploy.failedReason).toBe(`child ${d['build-code']} failed`);
    expect(await h.oracle.dependencies(d['build-code']!)).toEqual({ processed: [d.lint], unprocessed: [], failed: [d.compile], ignored: [] });
    const deployDeps = await h.oracle.dependencies(deployRoot);
    expect(deployDeps.failed).toEqual([d['build-code']]);
    expect(deployDeps.processed.sort()).toEqual([d['run-tests'], d['update-docs']].sort());
    // Neither parent ran its processor: the deferred failure fails them without it.
    expect(h.runner.status('fail-fast')?.calls['build-code']).toBeUndefined();
    expect(h.runner.status('fail-fast')?.calls['deploy-application']).toBeUndefined();

    const p = await keysByName(h, paymentRoot);
    await h.outcomes.until({ [p['validate-card']!]: 'completed', [p['send-receipt']!]: 'completed', [p['check-fraud']!]: 'failed' });
    const fraud = await h.job(p['check-fraud']!);
    expect(fraud.attemptsMade).toBe(1); // unrecoverable: no second attempt
    expect(fraud.failedReason).toBe('check-fraud: injected unrecoverable failure (call 1)');
    const payment = await h.job(paymentRoot);
    expect(payment.failedReason).toBe(`child ${p['check-fraud']} failed`);
    expect((await h.oracle.dependencies(paymentRoot)).failed).toEqual([p['check-fraud']]);
  });

  it('with the failures switched off while it runs, the next run completes both trees', async () => {
    const h = await scenarioHarnessForTest(redis);
    const first = await h.runner.runScenario('fail-fast', FAST);
    await h.outcomes.until(Object.fromEntries(first.seeded.map((k) => [k, 'failed'])));
    h.runner.setKnobs('fail-fast', { failures: { compile: { mode: 'never' }, 'check-fraud': null } });
    const { seeded } = await h.runner.runScenario('fail-fast');
    expect(seeded).toHaveLength(2);
    await h.outcomes.until(Object.fromEntries(seeded.map((k) => [k, 'completed'])));
    for (const root of seeded) expect(await h.oracle.state(root)).toBe('completed');
  });
});
