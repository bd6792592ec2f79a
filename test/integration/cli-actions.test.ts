// The repair actions from the command line, on a flow of each failure policy run by real
// workers: --dry-run says what the real run then does, the real run repairs the flow, the
// audit log records it, and a read-only connection refuses with exit code 3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, RemoveUnprocessedResult, RetryResult } from '../../shared/actions';
import { FlowHarness, leaf, type ChildPolicy } from '../helpers/actions-harness';
import { waitForState, waitUntil } from '../helpers/actions-wait';
import { runFlowscope } from '../helpers/cli-io';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let redis: TestRedis;
let dataDir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-cli-actions-'));
});
afterAll(async () => {
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const STUCK: Record<ChildPolicy, 'waiting-children' | 'failed' | 'completed'> = {
  none: 'waiting-children',
  'fail-parent': 'failed',
  'continue-parent': 'completed',
  ignore: 'completed',
  remove: 'completed',
};

describe.each(Object.keys(STUCK) as ChildPolicy[])('flowscope retry-failed-children, policy %s', (policy) => {
  it('previews, then repairs the flow: the parent completes with every result', async () => {
    const h = new FlowHarness(redis);
    try {
      h.broken.add('c');
      h.parentWorker('parents');
      h.leafWorker('leaves');
      const parent = await h.addFlow({ name: 'agg', queueName: 'parents', children: [leaf('a', 'leaves', policy), leaf('b', 'leaves', policy), leaf('c', 'flaky', policy)] });
      await waitUntil(async () => (await h.queue('leaves').getCompletedCount()) === 2, 'a and b to complete');
      h.leafWorker('flaky');
      await waitUntil(async () => (await h.queue('flaky').getFailedCount()) === 1, 'c to fail');
      await waitForState(h.queue('parents'), parent.id, STUCK[policy]);
      h.broken.delete('c');

      const args = ['retry-failed-children', 'parents', parent.id, '--json', '--redis', redis.url, '--prefix', h.prefix, '--data-dir', dataDir];
      const dry = await runFlowscope([...args, '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      const preview = JSON.parse(dry.stdout) as RetryResult;
      expect(preview.retried).toHaveLength(1);

      const real = await runFlowscope(args);
      expect(real.code, real.stderr).toBe(0);
      expect(JSON.parse(real.stdout)).toEqual(preview);

      await waitForState(h.queue('parents'), parent.id, 'completed');
      const job = await h.queue('parents').getJob(parent.id);
      expect(job!.returnvalue).toEqual(['r:a', 'r:b', 'r:c']);
      expect([h.count('a'), h.count('b'), h.count('c')]).toEqual([1, 1, 2]);

      const again = await runFlowscope(args);
      expect(JSON.parse(again.stdout)).toMatchObject({ retried: [], reopened: [] });
    } finally {
      await h.close();
    }
  });
});

describe('flowscope remove-unprocessed, audit and read-only', () => {
  it('removes waiting children, records the runs, and refuses on a read-only connection (exit 3)', async () => {
    const h = new FlowHarness(redis);
    try {
      const parent = await h.addFlow({
        name: 'batch',
        queueName: 'batches',
        children: [leaf('u1', 'uploads', 'none'), leaf('u2', 'uploads', 'none', { delay: 60_000 })],
      });
      const common = ['--json', '--redis', redis.url, '--prefix', h.prefix, '--data-dir', dataDir];
      const refused = await runFlowscope(['remove-unprocessed', 'batches', parent.id, '--read-only', ...common]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/read-only/);
      expect(await h.queue('uploads').getJobCounts('waiting', 'delayed')).toEqual({ waiting: 1, delayed: 1 });

      const run = await runFlowscope(['remove-unprocessed', 'batches', parent.id, ...common]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as RemoveUnprocessedResult;
      expect(result.removed).toHaveLength(2);
      expect(result.stillBlocking).toEqual([]);
      await waitForState(h.queue('batches'), parent.id, 'waiting');

      const audit = await runFlowscope(['audit', '--limit', '2', ...common]);
      const entries = JSON.parse(audit.stdout) as AuditEntry[];
      expect(entries.map((e) => [e.action, e.outcome, e.parent])).toEqual([
        ['remove-unprocessed', 'ok', parent.key],
        ['remove-unprocessed', 'refused', parent.key],
      ]);
      expect(entries[0]!.changed.sort()).toEqual(result.removed.sort());
    } finally {
      await h.close();
    }
  });

  it('refuses a bad job reference with a usage error and a missing parent with exit 1', async () => {
    const missing = await runFlowscope(['retry-failed-children', 'parents', 'nope', '--redis', redis.url, '--prefix', redis.prefix, '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope/);
    const usage = await runFlowscope(['retry-failed-children', 'parents']);
    expect(usage.code).toBe(2);
  });
});
