// Retry failed children on a seed-style orchestrator that used up its attempts: it holds one
// failed child per attempt for the provider that kept failing. After the provider is fixed, the
// action retries only the newest of them (the older ones are superseded), and the parent
// completes with exactly one answer per provider; healthy providers never ran again.
import { describe, expect, it } from 'vitest';
import { previewRetryFailedChildren, retryFailedChildren } from '../../../electron/core/actions';
import { FlowHarness } from '../../helpers/actions-harness';
import { orchestratorProcessor, PROVIDERS, type OrchestratorData } from '../../helpers/actions-orchestrator';
import { waitForState } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

describe('retry failed children on a seed-style orchestrator', () => {
  it('completes it with one answer per provider; superseded failures skipped; no provider paid twice', async () => {
    const h = new FlowHarness(redis);
    try {
      h.broken.add('provider-c');
      const providers = h.queue('providers');
      h.worker('providers', async (job) => {
        if (h.broken.has(job.name)) throw new Error(`${job.name} is down`);
        return { provider: job.name, text: `answer from ${job.name}` };
      });
      h.worker('llm', orchestratorProcessor(providers));
      const data: OrchestratorData = { prompt: 'hello', step: 'spawn', handled: [] };
      const parent = await h.queue('llm').add('ask', data, { attempts: 3 });
      const parentKey = h.key('llm', parent.id!);

      await waitForState(h.queue('llm'), parent.id!, 'failed');
      const failedC = (await providers.getFailed()).sort((x, y) => x.timestamp - y.timestamp);
      expect(failedC.map((j) => j.name)).toEqual(['provider-c', 'provider-c', 'provider-c']); // one per attempt
      expect([h.count('provider-a'), h.count('provider-b'), h.count('provider-c')]).toEqual([1, 1, 3]);
      const [c1, c2, c3] = failedC.map((j) => h.key('providers', j.id!)) as [string, string, string];

      h.broken.delete('provider-c');
      const runsBefore = h.count('ask');
      const expected = {
        retried: [c3],
        reopened: [parentKey],
        skipped: [
          { key: c1, reason: `superseded by ${c3}` },
          { key: c2, reason: `superseded by ${c3}` },
        ],
      };
      const sortSkipped = (r: typeof expected) => ({ ...r, skipped: [...r.skipped].sort((x, y) => x.key.localeCompare(y.key)) });
      expect(sortSkipped(withoutStats(await previewRetryFailedChildren(h.client, h.prefix, parentKey)))).toEqual(sortSkipped(expected));
      expect(sortSkipped(withoutStats(await retryFailedChildren(h.client, h.prefix, parentKey)))).toEqual(sortSkipped(expected));

      await waitForState(h.queue('llm'), parent.id!, 'completed');
      const done = await h.queue('llm').getJob(parent.id!);
      expect(done!.returnvalue).toEqual(PROVIDERS.map((p) => ({ provider: p, text: `answer from ${p}` })));
      expect([h.count('provider-a'), h.count('provider-b'), h.count('provider-c')]).toEqual([1, 1, 4]);
      expect(h.count('ask')).toBe(runsBefore + 1);

      // Once more: nothing left to do, the superseded failures still reported.
      const again = await retryFailedChildren(h.client, h.prefix, parentKey);
      expect(again.retried).toEqual([]);
      expect(again.reopened).toEqual([]);
      expect(again.skipped.map((s) => s.key).sort()).toEqual([c1, c2].sort());
      // With includeSuperseded the older failures would be retried too (preview only).
      const all = await previewRetryFailedChildren(h.client, h.prefix, parentKey, { includeSuperseded: true });
      expect([...all.retried].sort()).toEqual([c1, c2].sort());
      expect(all.reopened).toEqual([parentKey]);
    } finally {
      await h.close();
    }
  });
});
