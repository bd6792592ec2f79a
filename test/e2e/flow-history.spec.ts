// A flow's own history and its export, in the web host: a retry and a removal run from the
// inspector show in the History view right after, with what was done, to which job and how it
// ended, and still after a reload (the removed job is no longer in view: the entries carry the
// flow's root key); another flow's History shows none of them; Export downloads `<queue>-<jobId>.json`,
// the tree as `flowscope tree --json` prints it. At 1024x700 and 1440x900 the History view
// neither scrolls sideways nor cuts text; saves docs/screenshots/history-<width>.png.
import { readFileSync } from 'node:fs';
import { Worker, type Processor } from 'bullmq';
import type { FlowTree } from '../../shared/domain';
import { BullmqOracle, waitUntil } from '../helpers/flows';
import { layoutProblems } from './fixtures/layout-checks';
import { addFlow, hostPerFile, keyOf, nodeCard, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();

for (const size of [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const) {
  test(`${size.width}x${size.height}: History lists the repairs run on the flow; Export saves its tree`, async ({ page }) => {
    await page.setViewportSize(size);
    const connection = await host().redis();
    const tag = `h${size.width}`;
    const processor: Processor = async (job) => {
      if (job.name.startsWith('flaky')) throw new Error(`${job.name}: the upstream API answered 503 Service Unavailable`);
      return 'ok';
    };
    const worker = new Worker(`e2e-hist-steps-${tag}`, processor, { connection, concurrency: 5 });
    const oracle = new BullmqOracle(connection);
    try {
      const flow = (id: string) =>
        addFlow(connection, {
          name: 'nightly-report',
          queueName: `e2e-hist-${tag}`,
          opts: { jobId: id },
          children: [
            { name: 'flaky-fetch', queueName: `e2e-hist-steps-${tag}`, opts: { attempts: 1 } },
            { name: 'render', queueName: `e2e-hist-steps-${tag}` },
          ],
        });
      const root = await flow('report-1');
      const other = await flow('report-2');
      const flaky = root.children!.find((c) => c.job.name === 'flaky-fetch')!;
      const flakyKey = keyOf(flaky);
      await waitUntil(async () => (await oracle.state(flakyKey)) === 'failed');

      await openFlow(page, host(), root);
      await page.getByTestId('show-history').click();
      await expect(page.getByTestId('history-empty')).toBeVisible();
      await page.getByTestId('show-graph').click();

      // Retry the failed child (it fails again), then remove it.
      await nodeCard(page, flakyKey).click();
      const inspector = page.getByTestId('inspector');
      const dialog = page.getByTestId('action-dialog');
      for (const [label, confirm] of [
        ['Retry job', 'Retry job now'],
        ['Remove job', 'Remove job now'],
      ] as const) {
        if (label === 'Remove job') await waitUntil(async () => (await oracle.state(flakyKey)) === 'failed');
        await inspector.getByRole('button', { name: label, exact: true }).click();
        await expect(dialog).toHaveAttribute('data-phase', 'preview');
        await dialog.getByRole('button', { name: confirm }).click();
        await expect(dialog).toHaveAttribute('data-phase', 'done');
        await dialog.getByRole('button', { name: 'Close', exact: true }).click();
        await expect(dialog).toHaveCount(0);
      }

      await page.getByTestId('show-history').click();
      const entries = page.getByTestId('history-entry');
      await expect(entries).toHaveCount(2);
      await expect(entries.nth(0)).toHaveAttribute('data-action', 'remove-job');
      await expect(entries.nth(1)).toHaveAttribute('data-action', 'retry-job');
      await expect(entries.nth(0)).toHaveAttribute('data-outcome', 'ok');
      await expect(entries.nth(0)).toContainText('Removed job');
      await expect(entries.nth(1)).toContainText('Retried job');
      await expect(entries.nth(0)).toContainText(/from (sandbox )?redis:\/\/127\.0\.0\.1:/);
      await page.evaluate(() => document.fonts.ready);
      expect(await layoutProblems(page), 'History: panels that scroll sideways or cut text').toEqual([]);
      await page.screenshot({ path: `docs/screenshots/history-${size.width}.png` });

      // Export: the tree as tree --json prints it, under <queue>-<jobId>.json.
      const download = page.waitForEvent('download');
      await page.getByTestId('export-flow').click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(`e2e-hist-${tag}-report-1.json`);
      const tree = JSON.parse(readFileSync(await file.path(), 'utf8')) as FlowTree;
      expect(tree.root).toBe(keyOf(root));
      expect(tree.nodes.map((n) => n.name)).toEqual(['nightly-report', 'render']);
      const { stats: _a, ...exported } = tree;
      const { stats: _b, ...asked } = await host().api<FlowTree>('exportFlow', { queue: `e2e-hist-${tag}`, jobId: 'report-1' });
      expect(exported).toEqual(asked);

      // After a reload the view holds no trace of the removed job: the entries carry the root.
      await page.reload();
      await expect(nodeCard(page, keyOf(root))).toBeVisible();
      await page.getByTestId('show-history').click();
      await expect(entries).toHaveCount(2);
      await expect(entries.nth(0)).toHaveAttribute('data-root-key', keyOf(root));
      await expect(entries.nth(0).getByTestId('history-root')).toHaveText(`in the flow of e2e-hist-${tag}/report-1`);

      // Another flow's History lists none of it.
      await openFlow(page, host(), other);
      await page.getByTestId('show-history').click();
      await expect(page.getByTestId('history-empty')).toBeVisible();
      await expect(page.getByTestId('history-entry')).toHaveCount(0);
    } finally {
      await worker.close();
      await oracle.close();
    }
  });
}
