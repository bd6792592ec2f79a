// The repair actions from the command line on a standalone Redis, on a flow of each failure
// policy run by real workers (the same checks as every topology, helpers/topology-checks.ts):
// --dry-run says what the real run then does, the real run repairs the flow, the audit log
// records it, and a read-only connection refuses with exit code 3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, RemoveUnprocessedResult } from '../../shared/actions';
import { FlowHarness, leaf } from '../helpers/actions-harness';
import { checkTreeAndRetry, type TopologyTarget } from '../helpers/topology-checks';
import { CHILD_POLICIES } from '../helpers/child-policies';
import { waitForState } from '../helpers/actions-wait';
import { runFlowscope } from '../helpers/cli-io';
import { testRedisForFile } from '../helpers/redis-per-file';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const redis = testRedisForFile();
let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-cli-actions-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each(CHILD_POLICIES)('flowscope tree and retry-failed-children, policy %s', (policy) => {
  it('tree --json equals BullMQ; the preview equals the run, which repairs the flow: the parent completes with every result', async () => {
    const target: TopologyTarget = { url: redis.url, cliArgs: [], coreOptions: {}, harness: redis };
    await checkTreeAndRetry(target, policy, dataDir);
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
