// `flowscope demo`: its own sandbox redis-server, the scenario's workers and flows, and the
// UI served, until the process is asked to stop; then nothing is left running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../shared/domain';
import { runFlowscope } from '../helpers/cli-io';
import { waitUntil } from '../helpers/flows';

describe('flowscope demo', () => {
  it('starts a sandbox, runs the scenario and serves the UI; stops everything when asked', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-demo-'));
    let served: { url: string; redis: ConnectionStatus } | undefined;
    let stdout = '';
    try {
      const run = await runFlowscope(['demo', '--scenario', 'stuck-parent', '--json', '--data-dir', dataDir], {}, async () => {
        // Called once the demo is serving: look at what it set up, then ask it to stop.
        served = JSON.parse(stdout.split('\n')[0]!) as { url: string; redis: ConnectionStatus };
        const { origin, searchParams } = new URL(served.url);
        // The host answers with the printed token (the page itself is covered by the E2E tests,
        // which run after the build).
        const api = await fetch(`${origin}/api/listScenarioRuns`, {
          method: 'POST',
          headers: { authorization: `Bearer ${searchParams.get('token')}` },
          body: '{}',
        });
        expect(api.status).toBe(200);
        expect(await api.json()).toMatchObject({ ok: true, result: [{ name: 'stuck-parent' }] });
        const port = Number(new URL(served.redis.target.replace(/^sandbox /, '')).port);
        const connection = { host: '127.0.0.1', port };
        const reports = new Queue('stuck-reports', { connection });
        const fetches = new Queue('stuck-fetch', { connection });
        // The scenario's child fails for good and leaves its parent waiting for ever.
        await waitUntil(async () => {
          const counts = await fetches.getJobCounts('completed', 'failed');
          return counts.completed === 2 && counts.failed === 1;
        }, 20_000);
        expect(await reports.getJobCounts('waiting-children')).toEqual({ 'waiting-children': 1 });
        await Promise.all([reports.close(), fetches.close()]);
      }, (text) => (stdout += text));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/scenario stuck-parent: workers started, 1 flow\(s\) seeded/);
      expect(served?.redis).toMatchObject({ kind: 'sandbox', state: 'connected' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
