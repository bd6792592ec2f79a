// What support staff paste and press, in real Chromium against the real web host: a
// flowscope:// link pasted in the job search opens its flow (one naming another saved
// connection offers the switch, and opens the flow on it); Refresh on the queue list asks the
// core to rescan (listQueues {rescan:true}) and shows what it found; a job field over the answer
// limit says how much of it shows ("… 256 KiB shown of 3.1 MiB") and Load all reads the rest
// with getJobField. Saves docs/screenshots/cut-field*.png at 1440x900 and 1024x700.
import { Queue } from 'bullmq';
import type { Page } from '@playwright/test';
import { layoutProblems } from './fixtures/layout-checks';
import { addFlow, hostPerFile, keyOf, nodeCard } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();
test.use({ viewport: { width: 1440, height: 900 } });

/** No panel scrolls sideways and no text is cut, in light and in dark. */
async function expectLayoutHolds(page: Page, view: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() => document.fonts.ready);
    expect(await layoutProblems(page), `${view} (${colorScheme}): panels that scroll sideways or cut text`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('a pasted flowscope:// link opens its flow; one for another saved connection offers the switch', async ({ page }) => {
  const redis = await host().redis();
  const flow = await addFlow(redis, { name: 'invoice-run', queueName: 'e2e-l-invoices', children: [{ name: 'pdf', queueName: 'e2e-l-work' }] });
  await page.goto(host().openUrl);
  const search = page.getByLabel('Search by job id');
  await search.fill(`flowscope://flow/e2e-l-invoices/${flow.job.id}`);
  await expect(page).toHaveURL(new RegExp(`#/flow/e2e-l-invoices/${flow.job.id}$`));
  await expect(nodeCard(page, keyOf(flow))).toBeVisible();
  // The list shows the flow the link names, as the core read it.
  await expect(page.getByTestId('flow-item')).toHaveAttribute('data-job-key', keyOf(flow));

  const other = await addFlow(redis, { name: 'refund-run', queueName: 'e2e-l-refunds', children: [{ name: 'pdf', queueName: 'e2e-l-work' }] });
  const saved = await host().api<{ id: string }>('saveConnection', { name: 'Same Redis', url: `redis://127.0.0.1:${redis.port}`, prefix: 'bull', readOnly: false });
  await search.fill(`flowscope://flow/e2e-l-refunds/${other.job.id}?connection=${saved.id}`);
  const notice = page.getByTestId('link-other-connection');
  await expect(notice).toContainText('This link is for the connection Same Redis; Flowscope is on');
  // Nothing switched or opened on its own.
  await expect(page).toHaveURL(new RegExp(`#/flow/e2e-l-invoices/${flow.job.id}$`));
  // The list shows the flow the link names (the same Redis answers the search here).
  await expect(page.getByTestId('flow-item')).toHaveAttribute('data-job-key', keyOf(other));
  await expectLayoutHolds(page, 'the link notice');
  await page.screenshot({ path: 'docs/screenshots/pasted-link-other-connection.png' });
  await notice.getByRole('button', { name: 'Switch to Same Redis and open' }).click();
  await expect(page.getByTestId('connection-target')).toContainText(`redis://127.0.0.1:${redis.port}`);
  await expect(page).toHaveURL(new RegExp(`#/flow/e2e-l-refunds/${other.job.id}$`));
  await expect(nodeCard(page, keyOf(other))).toBeVisible();
  await expect(notice).toHaveCount(0);
});

test('Refresh on the queue list rescans the keyspace and shows the queue it found', async ({ page }) => {
  await page.goto(host().openUrl);
  await expect(page.getByTestId('refresh-queues')).toBeVisible();
  const sent: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload))));
  await page.reload();
  const queue = new Queue('e2e-l-fresh', { connection: await host().redis() });
  await queue.add('one', {});
  await page.getByTestId('refresh-queues').click();
  await expect(page.locator('[data-testid="queue"][data-queue="e2e-l-fresh"]')).toBeVisible();
  for (const size of [
    { width: 1024, height: 700 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(size);
    await expectLayoutHolds(page, `the queue list at ${size.width}x${size.height}`);
    await page.screenshot({ path: test.info().outputPath(`queues-${size.width}.png`) });
  }
  const rescans = sent.map((f) => JSON.parse(f) as { method?: string; args?: { rescan?: boolean } }).filter((f) => f.method === 'listQueues' && f.args?.rescan === true);
  expect(rescans).toHaveLength(1);
  await expect(page.getByTestId('refresh-queues')).toHaveText('Refresh');
  await queue.close();
});

test('a field over the answer limit says how much shows, and Load all reads the whole of it', async ({ page }) => {
  const blob = 'x'.repeat(Math.round(3.1 * 1024 * 1024));
  const flow = await addFlow(await host().redis(), {
    name: 'bulk-import',
    queueName: 'e2e-l-import',
    children: [{ name: 'big-payload', queueName: 'e2e-l-work', data: { blob, end: 'THE-END-OF-IT' } }],
  });
  const child = keyOf(flow.children![0]!);
  await page.goto(`${host().openUrl}#/flow/e2e-l-import/${flow.job.id}`);
  await nodeCard(page, child).click();
  await page.keyboard.press('Enter');
  const data = page.getByTestId('inspector-data');
  const marker = data.getByTestId('cut-marker');
  await expect(marker).toContainText('… 256 KiB shown of 3.1 MiB');
  await expect(data).not.toContainText('not valid JSON');
  await marker.scrollIntoViewIfNeeded();
  await expectLayoutHolds(page, 'a cut field at 1440x900');
  await page.screenshot({ path: 'docs/screenshots/cut-field.png' });
  await page.setViewportSize({ width: 1024, height: 700 });
  await marker.scrollIntoViewIfNeeded();
  await expect(marker).toBeInViewport();
  await expectLayoutHolds(page, 'a cut field at 1024x700');
  await page.screenshot({ path: 'docs/screenshots/cut-field-1024.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('cut-field-1024-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  await data.getByTestId('load-all').click();
  const whole = data.getByTestId('cut-field-whole');
  await expect(whole).toBeVisible();
  await expect(marker).toHaveCount(0);
  await whole.getByRole('button', { name: /Show all/ }).click();
  await expect(whole).toContainText('"end": "THE-END-OF-IT"');
});
