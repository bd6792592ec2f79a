// Support staff: a job found from whatever a ticket holds (full key, queue:id, short id, #id,
// an upper-case UUID), across queues, opening its whole flow with the job selected, in view and
// marked found, even beyond the first page of a big bucket; a miss that says what was searched
// and where; a list scope that no click, reload or link leaves stale; "Could not open job" that
// offers Try again and clears itself when the job appears; refused input said in words.
// Saves docs/screenshots/search-*.png at 1440x900 and 1024x700.
import { randomUUID } from 'node:crypto';
import { FlowProducer } from 'bullmq';
import type { Page } from '@playwright/test';
import type { FlowTree } from '../../shared/domain';
import { addFlow, flowUrl, hostPerFile, keyOf, nodeCard } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();
test.use({ viewport: { width: 1440, height: 900 } });

const item = (key: string) => `[data-testid="flow-item"][data-job-key="${key}"]`;

const reportId = randomUUID();
const fetchId = randomUUID();

/** nightly-report (e2e-s-reports) ← fetch-returns (e2e-s-fetch, a UUID) ← two pages; render (e2e-s-work). */
async function addReport(page: Page): Promise<{ root: string; fetch: string; all: string[] }> {
  const flow = await addFlow(await host().redis(), {
    name: 'nightly-report',
    queueName: 'e2e-s-reports',
    opts: { jobId: reportId },
    children: [
      {
        name: 'fetch-returns',
        queueName: 'e2e-s-fetch',
        opts: { jobId: fetchId },
        children: [
          { name: 'page-1', queueName: 'e2e-s-work' },
          { name: 'page-2', queueName: 'e2e-s-work' },
        ],
      },
      { name: 'render', queueName: 'e2e-s-work' },
    ],
  });
  const all = [keyOf(flow), ...flow.children!.flatMap((c) => [keyOf(c), ...(c.children ?? []).map(keyOf)])];
  await page.goto(host().openUrl);
  return { root: keyOf(flow), fetch: keyOf(flow.children![0]!), all };
}

/** The node is on the canvas and inside its visible part. */
async function expectInView(page: Page, key: string) {
  const canvas = await page.locator('.react-flow').boundingBox();
  await expect(async () => {
    const box = await nodeCard(page, key).boundingBox();
    expect(box && canvas).toBeTruthy();
    expect(box!.x).toBeGreaterThanOrEqual(canvas!.x);
    expect(box!.y).toBeGreaterThanOrEqual(canvas!.y);
    expect(box!.x + box!.width).toBeLessThanOrEqual(canvas!.x + canvas!.width);
    expect(box!.y + box!.height).toBeLessThanOrEqual(canvas!.y + canvas!.height);
  }).toPass();
}

test('finds a child from anything a ticket holds and opens its whole flow with the child selected, in view, marked found', async ({ page }) => {
  const numbered = await addFlow(await host().redis(), { name: 'numbered', queueName: 'e2e-s-numbers', children: [{ name: 'leaf', queueName: 'e2e-s-numbers' }] });
  const { root, fetch, all } = await addReport(page);
  const search = page.getByLabel('Search by job id');
  const items = page.getByTestId('flow-item');

  for (const text of [
    `bull:e2e-s-fetch:${fetchId}`, // Copy key, the audit log
    `e2e-s-fetch:${fetchId} (child)`, // the CLI's flow column
    `${fetchId.slice(0, 8)}…`, // the short id the UI shows
    fetchId.slice(0, 8),
    fetchId.toUpperCase(),
    fetchId,
  ]) {
    await search.fill(text);
    await expect(items, text).toHaveCount(1);
    await expect(items).toHaveAttribute('data-job-key', fetch);
  }
  await expect(items).toContainText(`in the flow of e2e-s-reports #${reportId.slice(0, 8)}…`);
  await page.screenshot({ path: 'docs/screenshots/search-hit-list.png' });

  await items.click();
  await expect(page).toHaveURL(new RegExp(`#/flow/e2e-s-reports/${reportId}\\?job=${encodeURIComponent(fetch)}$`));
  await expect(nodeCard(page, root)).toBeVisible();
  // The whole flow, not a one-node graph of the child.
  await expect(page.getByTestId('flow-node')).toHaveCount(all.length);
  await expect(nodeCard(page, fetch)).toHaveAttribute('data-selected', 'true');
  await expect(nodeCard(page, fetch)).toHaveAttribute('data-found', 'true');
  await expectInView(page, fetch);
  await expect(items).toHaveAttribute('aria-current', 'page');
  await expect(search).toHaveValue(fetchId);
  await page.screenshot({ path: 'docs/screenshots/search-hit.png' });
  await page.setViewportSize({ width: 1024, height: 700 });
  await expectInView(page, fetch);
  await page.screenshot({ path: 'docs/screenshots/search-hit-1024.png' });

  // #id, across queues.
  await page.setViewportSize({ width: 1440, height: 900 });
  await search.fill(`#${numbered.job.id}`);
  await expect(page.locator(item(keyOf(numbered)))).toBeVisible();
});

test('a search that finds nothing says what it looked for and where, and can widen to every queue', async ({ page }) => {
  const { fetch } = await addReport(page);
  const queues = await host().api<{ name: string }[]>('listQueues');
  const search = page.getByLabel('Search by job id');
  await search.fill('ffffffff');
  await expect(page.getByTestId('no-flows')).toContainText(`No job matching "ffffffff" in ${queues.length} queues under prefix bull.`);
  await search.fill('e2e-s-nope:17');
  await expect(page.getByTestId('no-flows')).toContainText('No queue e2e-s-nope under prefix bull, so no job 17 in it.');

  await page.locator('[data-testid="queue"][data-queue="e2e-s-reports"] button.queue-pick').click();
  await search.fill(fetchId.slice(0, 8));
  await expect(page.getByTestId('no-flows')).toContainText(`No job matching "${fetchId.slice(0, 8)}" in queue e2e-s-reports under prefix bull.`);
  await page.screenshot({ path: 'docs/screenshots/search-miss.png' });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: 'docs/screenshots/search-miss-1024.png' });
  await page.getByRole('button', { name: 'Search every queue' }).click();
  await expect(page.locator(item(fetch))).toBeVisible();
  await expect(page.getByRole('heading', { name: /Flows in every queue/ })).toBeVisible();
});

test('a child beyond the first page of a big bucket is brought into view', async ({ page }) => {
  const connection = await host().redis();
  const producer = new FlowProducer({ connection });
  const flow = await producer.add({
    name: 'fan-out',
    queueName: 'e2e-s-big',
    children: Array.from({ length: 450 }, (_, i) => ({ name: `item-${i}`, queueName: 'e2e-s-big-items', opts: { jobId: `item-${i}-${randomUUID()}` } })),
  });
  await producer.close();
  // A child the first view does not hold (it shows 200 per bucket).
  const tree = await host().api<FlowTree>('getFlowTree', { queue: 'e2e-s-big', jobId: flow.job.id });
  const shown = new Set(tree.nodes.map((n) => n.key));
  const hidden = flow.children!.map(keyOf).find((k) => !shown.has(k))!;
  expect(hidden).toBeTruthy();

  await page.goto(host().openUrl);
  await page.getByLabel('Search by job id').fill(hidden);
  await page.locator(item(hidden)).click();
  await expect(nodeCard(page, hidden)).toHaveAttribute('data-found', 'true', { timeout: 20_000 });
  await expect(nodeCard(page, hidden)).toHaveAttribute('data-selected', 'true');
  await expectInView(page, hidden);
});

test('the list scope: picking a flow of every queue does not narrow it; reloads and links never leave a stale scope', async ({ page }) => {
  const { root } = await addReport(page);
  const heading = page.locator('.flow-list h2');
  await expect(heading).toHaveText('Flows in every queue');
  await page.locator(item(root)).click();
  await expect(nodeCard(page, root)).toBeVisible();
  await expect(heading).toHaveText('Flows in every queue');
  await expect(page.locator('[data-testid="queue"] button[aria-pressed="true"]')).toHaveCount(0);

  // Narrowed and searched, then reloaded: the flow is back, the list starts afresh.
  await page.locator('[data-testid="queue"][data-queue="e2e-s-work"] button.queue-pick').click();
  await expect(heading).toHaveText('Flows in e2e-s-work');
  await page.getByLabel('Search by job id').fill('page');
  await page.reload();
  await expect(nodeCard(page, root)).toBeVisible();
  await expect(heading).toHaveText('Flows in every queue');
  await expect(page.getByLabel('Search by job id')).toHaveValue('');

  // Narrowed and searched, then a link to another flow is opened: no stale scope beside it.
  const other = await addFlow(await host().redis(), { name: 'other', queueName: 'e2e-s-other', children: [{ name: 'kid', queueName: 'e2e-s-other' }] });
  await page.locator('[data-testid="queue"][data-queue="e2e-s-work"] button.queue-pick').click();
  await page.getByLabel('Search by job id').fill('nothing-like-this');
  await expect(page.getByTestId('no-flows')).toBeVisible();
  await page.evaluate((hash) => (window.location.hash = hash), `#/flow/e2e-s-other/${other.job.id}`);
  await expect(nodeCard(page, keyOf(other))).toBeVisible();
  await expect(heading).toHaveText('Flows in every queue');
  await expect(page.getByLabel('Search by job id')).toHaveValue('');
  await expect(page.locator(item(keyOf(other)))).toBeVisible();
});

test('"Could not open job" offers Try again and clears itself when the job appears', async ({ page }) => {
  await page.goto(flowUrl(host(), 'e2e-s-later', 'late-1'));
  const error = page.getByTestId('flow-error');
  await expect(error).toContainText('No queue e2e-s-later under prefix bull');
  await error.getByRole('button', { name: 'Try again' }).click();
  await expect(error).toBeVisible();

  // The job appears (a scenario re-run, a producer catching up): the view opens by itself.
  const late = await addFlow(await host().redis(), { name: 'late', queueName: 'e2e-s-later', opts: { jobId: 'late-1' }, children: [{ name: 'kid', queueName: 'e2e-s-later' }] });
  await expect(nodeCard(page, keyOf(late))).toBeVisible();
  await expect(error).toHaveCount(0);
});

test('input the core refuses is said in words, not as the validator’s text', async ({ page }) => {
  await page.goto(host().openUrl);
  await page.getByLabel('Filter by name').fill('x'.repeat(600));
  const error = page.getByTestId('flow-list-error');
  await expect(error).toContainText('The name filter is too long: at most 512 characters.');
  await expect(error).not.toContainText('Invalid arguments');
  await page.getByLabel('Search by job id').fill('y'.repeat(2100));
  await expect(error).toContainText('The job search is too long: at most 2,048 characters.');
});
