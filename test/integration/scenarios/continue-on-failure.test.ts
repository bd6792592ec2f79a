// continue-on-failure on real workers: the first failing child with continueParentOnFailure
// releases its parent at once; the parent removes the sibling not yet started, waits for the
// one running (BullMQ will not finish a parent with pending dependencies), then the upload
// batch fails (rolled back) and the test suite completes with a "failed" report.
import { describe, expect, it } from 'vitest';
import type { TestSuiteReport } from '../../../electron/core/scenarios/continue-on-failure';
import { scenarioHarnessForTest } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

describe('continue-on-failure', () => {
  it('the parent reacts while siblings are pending: removes the unprocessed one, reports the failed one', async () => {
    const h = await scenarioHarnessForTest(redis);
    // Each child queue runs one job at a time (latency 300 ms): when the first child fails the
    // second is running and the third has not started.
    const { seeded } = await h.runner.runScenario('continue-on-failure', { latencyMs: 300 });
    const [uploadRoot, suiteRoot] = seeded as [string, string];
    // Read before the first child fails (300 ms), so nothing has been removed yet.
    const childrenOf = async (root: string) => [...(await h.oracle.walk(root, 1)).keys()].filter((k) => k !== root);
    const initial = { upload: await childrenOf(uploadRoot), suite: await childrenOf(suiteRoot) };
    const byName = async (keys: string[]) => Object.fromEntries(await Promise.all(keys.map(async (k) => [(await h.job(k)).name, k] as const)));
    const u = await byName(initial.upload);
    const t = await byName(initial.suite);
    expect(Object.keys(u).sort()).toEqual(['upload-to-server-1', 'upload-to-server-2', 'upload-to-server-3']);
    expect(Object.keys(t).sort()).toEqual(['api-tests', 'auth-tests', 'ui-tests']);

    await h.outcomes.until({
      [u['upload-to-server-1']!]: 'failed',
      [u['upload-to-server-2']!]: 'completed',
      [uploadRoot]: 'failed',
      [t['auth-tests']!]: 'failed',
      [t['api-tests']!]: 'completed',
      [suiteRoot]: 'completed',
    });

    // The unstarted sibling was removed by the parent: its job is gone, and it never ran.
    expect(await h.oracle.state(u['upload-to-server-3']!)).toBe('missing');
    expect(await h.oracle.state(t['ui-tests']!)).toBe('missing');
    expect(h.runner.status('continue-on-failure')?.calls).toEqual({
      'upload-to-server-1': 1,
      'upload-to-server-2': 1,
      'auth-tests': 1,
      'api-tests': 1,
    });

    const upload = await h.job(uploadRoot);
    expect(upload.failedReason).toBe(
      `upload batch batch-123 failed: ${u['upload-to-server-1']} (upload-to-server-1: injected failure (call 1)); ` +
        'removed 1 unprocessed upload(s), rolled back 1',
    );
    expect(upload.data.reaction).toEqual({ removed: [u['upload-to-server-3']], waitedFor: [u['upload-to-server-2']] });
    expect(await h.oracle.dependencies(uploadRoot)).toEqual({
      processed: [u['upload-to-server-2']],
      unprocessed: [],
      failed: [],
      ignored: [u['upload-to-server-1']],
    });

    const suite = await h.job(suiteRoot);
    expect(suite.returnvalue as TestSuiteReport).toEqual({
      status: 'failed',
      passed: [t['api-tests']],
      failedTests: { [t['auth-tests']!]: 'auth-tests: injected failure (call 1)' },
      aborted: [t['ui-tests']],
    });
  });

  it('with nothing failing, both parents complete after all their children', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('continue-on-failure', {
      latencyMs: 10,
      failures: { 'upload-to-server-1': null, 'auth-tests': { mode: 'never' } },
    });
    await h.outcomes.until(Object.fromEntries(seeded.map((k) => [k, 'completed'])));
    const [uploadRoot, suiteRoot] = seeded as [string, string];
    expect((await h.job(uploadRoot)).returnvalue).toMatchObject({ status: 'uploaded', batchId: 'batch-123' });
    expect(((await h.job(suiteRoot)).returnvalue as TestSuiteReport).status).toBe('passed');
    expect((await h.oracle.counts(uploadRoot)).processed).toBe(3);
  });
});
