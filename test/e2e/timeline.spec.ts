// The flow's timeline beside the graph: every job in view on one time axis, live (it follows
// the workers without a reload), a retried job's attempts marked, and the critical path — the
// child that held its parent up — highlighted and named. At 1024x700 and 1440x900 it neither
// scrolls sideways nor cuts text. Saves docs/screenshots/timeline-<width>.png.
import { Worker, type Job } from 'bullmq';
import { JobOutcomes } from '../helpers/flows';
import { layoutProblems } from './fixtures/layout-checks';
import { addFlow, hostPerFile, keyOf, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function step(job: Job) {
  const data = job.data as { ms: number; failFirst?: boolean };
  await pause(data.ms);
  if (data.failFirst && job.attemptsMade === 0) throw new Error('flaky: first attempt fails');
  return 'ok';
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
]) {
  test.describe(`${size.width}x${size.height}`, () => {
    test.use({ viewport: size });
    test('a waterfall of the flow, live, with its critical path and retries', async ({ page }) => {
      const connection = await host().redis();
      const suffix = `-${size.width}`;
      const root = await addFlow(connection, {
        name: 'build-report',
        queueName: 'e2e-tl-root',
        opts: { jobId: `report${suffix}` },
        data: { ms: 20 },
        children: [
          { name: 'fetch-sales', queueName: 'e2e-tl-steps', opts: { jobId: `fast${suffix}` }, data: { ms: 30 } },
          { name: 'fetch-inventory', queueName: 'e2e-tl-steps', opts: { jobId: `slow${suffix}` }, data: { ms: 600 } },
          { name: 'fetch-returns', queueName: 'e2e-tl-steps', opts: { jobId: `flaky${suffix}`, attempts: 2, backoff: { type: 'fixed', delay: 50 } }, data: { ms: 30, failFirst: true } },
        ],
      });
      const [fast, slow, flaky] = root.children!.map(keyOf);

      await openFlow(page, host(), root);
      await page.getByTestId('show-timeline').click();
      const timeline = page.getByTestId('timeline');
      await expect(timeline.getByTestId('timeline-row')).toHaveCount(4);
      const row = (key: string) => timeline.locator(`[data-testid="timeline-row"][data-job-key="${key}"]`);
      await expect(row(slow!)).toHaveAttribute('data-state', 'waiting');

      // Live: the workers run the flow while the timeline is open.
      const outcomes = new JobOutcomes();
      const workers = [
        outcomes.watch(new Worker('e2e-tl-steps', step, { connection, concurrency: 5 })),
        outcomes.watch(new Worker('e2e-tl-root', step, { connection })),
      ];
      try {
        await outcomes.until({ [keyOf(root)]: 'completed' });
      } finally {
        await Promise.all(workers.map((w) => w.close()));
      }
      await expect(row(keyOf(root))).toHaveAttribute('data-state', 'completed');
      for (const key of [fast!, slow!, flaky!]) await expect(row(key)).toHaveAttribute('data-state', 'completed');

      // The slow child held the root up: it is on the critical path, the others are not.
      await expect(row(keyOf(root))).toHaveAttribute('data-critical', 'true');
      await expect(row(slow!)).toHaveAttribute('data-critical', 'true');
      await expect(row(fast!)).toHaveAttribute('data-critical', 'false');
      await expect(row(flaky!)).toHaveAttribute('data-critical', 'false');
      await expect(timeline.getByTestId('critical-path')).toContainText('build-report › fetch-inventory');
      // Its run bar is the longest and ends after the others'.
      const runBox = async (key: string) => (await row(key).locator('.tl-running').boundingBox())!;
      const [slowRun, fastRun] = [await runBox(slow!), await runBox(fast!)];
      expect(slowRun.width).toBeGreaterThan(fastRun.width * 3);
      expect(slowRun.x + slowRun.width).toBeGreaterThan(fastRun.x + fastRun.width);
      // The retried child shows its two attempts.
      await expect(row(flaky!)).toHaveAttribute('data-attempts', '2');
      await expect(row(flaky!).getByTestId('timeline-attempts')).toHaveText('×2');
      await expect(row(flaky!).locator('.tl-retrying')).toHaveCount(1);

      await page.evaluate(() => document.fonts.ready);
      expect(await layoutProblems(page), 'timeline: panels that scroll sideways or cut text').toEqual([]);
      await page.screenshot({ path: `docs/screenshots/timeline-${size.width}.png` });

      // A row opens its job in the inspector, as the graph does.
      await row(slow!).locator('.timeline-label').click();
      await expect(page.getByTestId('inspector')).toHaveAttribute('data-job-key', slow!);
      expect(await layoutProblems(page), 'timeline with the inspector').toEqual([]);

      // Back to the graph.
      await page.getByTestId('show-graph').click();
      await expect(page.getByTestId('flow-canvas')).toBeVisible();
    });
  });
}
