// Scale: a 10,000-node flow (root -> 100 -> 99 each) opens with at most ~1,500 graph nodes in
// the DOM, and a bucket bigger than a page becomes one group node that pages open.
import type { FlowJob } from 'bullmq';
import { addFlow, hostPerFile, keyOf, nodeCard, openNewFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1440, height: 900 } });

const host = hostPerFile();
const DOM_BUDGET = 1500;

test('a 10,000-node flow opens quickly with a small DOM', async ({ page }) => {
  test.setTimeout(180_000);
  const connection = await host().redis();
  const children: FlowJob[] = Array.from({ length: 100 }, (_, i) => ({
    name: `region-${i}`,
    queueName: 'e2e-big-regions',
    data: { region: i },
    children: Array.from({ length: 99 }, (_, j) => ({ name: `store-${i}-${j}`, queueName: 'e2e-big-stores', data: { store: j } })),
  }));
  const written = Date.now();
  const root = await addFlow(connection, { name: 'inventory-count', queueName: 'e2e-big', opts: { jobId: 'inventory' }, children });
  test.info().annotations.push({ type: 'flow written', description: `10,001 jobs in ${Date.now() - written} ms` });

  await page.goto(host().openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  const started = Date.now();
  // Opened from inside the app, as a person would: the progress indicator shows while it loads.
  await page.evaluate(() => (window.location.hash = '#/flow/e2e-big/inventory'));
  await expect(page.getByTestId('flow-loading')).toBeVisible();
  await expect(nodeCard(page, keyOf(root))).toBeVisible();
  const firstPaint = Date.now() - started;
  await expect(page.getByTestId('flow-stats')).toContainText('10,001 jobs in view');

  const atOpen = await page.getByTestId('flow-node').count();
  await page.screenshot({ path: 'docs/screenshots/flow-big.png' });
  // A card's badge line shows each badge whole or not at all: the attempts beside a region's
  // waiting-children pill and unprocessed badge were cut to a fragment ("0" of "0/1").
  const cutBadges = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="flow-node"] .job-node-badges')].flatMap((row) => {
      const box = row.getBoundingClientRect();
      return [...row.children].flatMap((badge) => {
        const b = badge.getBoundingClientRect();
        const shown = b.top < box.bottom;
        return shown && b.right > box.right + 0.5 ? [`${badge.textContent} (${Math.round(b.right - box.right)} px cut)`] : [];
      });
    }),
  );
  expect(cutBadges).toEqual([]);
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.waitForTimeout(600);
  const fitted = await page.getByTestId('flow-node').count();
  const canvasNodes = Number(await page.getByTestId('flow-canvas').getAttribute('data-nodes'));
  test.info().annotations.push({
    type: 'DOM',
    description: `first paint ${firstPaint} ms; flow-node elements: ${atOpen} at open, ${fitted} zoomed to fit (${canvasNodes} laid out)`,
  });
  console.log(`10,001-node flow: first paint ${firstPaint} ms; flow-node elements ${atOpen} at open, ${fitted} fitted; ${canvasNodes} laid out`);
  expect(atOpen).toBeGreaterThan(0);
  expect(atOpen).toBeLessThanOrEqual(DOM_BUDGET);
  expect(fitted).toBeLessThanOrEqual(DOM_BUDGET);
  expect(await page.locator('.react-flow__node').count()).toBeLessThanOrEqual(DOM_BUDGET);

  // Opening a collapsed region shows its 99 stores.
  const region = page.locator('[data-testid="flow-node"]:has(.job-node-toggle[aria-expanded="false"])').first();
  const regionKey = await region.getAttribute('data-job-key');
  await region.locator('.job-node-toggle').click();
  await expect(nodeCard(page, regionKey!).locator('.job-node-toggle')).toHaveAttribute('aria-expanded', 'true');
  await expect.poll(async () => Number(await page.getByTestId('flow-canvas').getAttribute('data-nodes'))).toBeGreaterThanOrEqual(canvasNodes + 99);
  expect(await page.getByTestId('flow-node').count()).toBeLessThanOrEqual(DOM_BUDGET);
});

test('a bucket bigger than a page is one group node that loads the next page', async ({ page }) => {
  await openNewFlow(page, host(), {
    name: 'send-newsletter',
    queueName: 'e2e-big',
    opts: { jobId: 'newsletter' },
    children: Array.from({ length: 450 }, (_, i) => ({ name: `email-${i}`, queueName: 'e2e-big-emails', data: { to: `user${i}@example.com` } })),
  });
  const group = page.getByTestId('flow-group');
  await expect(group).toHaveText(/\+250 unprocessed/);
  await expect(group).toHaveAttribute('data-bucket', 'unprocessed');
  await group.click();
  await expect(group).toHaveText(/\+50 unprocessed/);
  await expect(page.getByTestId('flow-stats')).toContainText('401 jobs in view');
  await group.click();
  await expect(group).toHaveCount(0);
  await expect(page.getByTestId('flow-stats')).toContainText('451 jobs in view');
});
