// The graph's viewport keeps up with the page: opening or closing the scenarios dock or the
// inspector fits the tree again into the part of the canvas left free (a tall tree does not
// slide under the dock), and the minimap's colours follow live state changes.
import { Worker, type FlowJob } from 'bullmq';
import type { Page } from '@playwright/test';
import { JobOutcomes, scriptedProcessor } from '../helpers/flows';
import { addFlow, hostPerFile, keysOf, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1440, height: 900 } });

const host = hostPerFile();

/** A chain five levels deep: its fit is limited by the canvas height. */
function chain(depth: number, i = 0): FlowJob {
  return { name: `step-${i}`, queueName: i === 0 ? 'e2e-vp-root' : 'e2e-vp-steps', ...(i + 1 < depth ? { children: [chain(depth, i + 1)] } : {}) };
}

/** Every job card lies inside the canvas's free part (its right `covered` px are under the drawer). */
async function expectAllInside(page: Page, keys: string[], covered = 0) {
  await expect(async () => {
    const canvas = (await page.locator('.react-flow').boundingBox())!;
    for (const key of keys) {
      const box = (await page.locator(`[data-testid="flow-node"][data-job-key="${key}"]`).boundingBox())!;
      expect(box, key).toBeTruthy();
      expect(box.y).toBeGreaterThanOrEqual(canvas.y - 1);
      expect(box.y + box.height).toBeLessThanOrEqual(canvas.y + canvas.height + 1);
      expect(box.x).toBeGreaterThanOrEqual(canvas.x - 1);
      expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width - covered + 1);
    }
  }).toPass({ timeout: 5_000 });
}

const minimapFills = (page: Page) => page.locator('.react-flow__minimap-node').evaluateAll((els) => els.map((el) => (el as SVGElement).style.fill));

test('the tree is fitted again when the dock or the inspector opens or closes; the minimap follows live changes', async ({ page }) => {
  const connection = await host().redis();
  const root = await addFlow(connection, chain(5));
  const keys = keysOf(root);
  await openFlow(page, host(), root);
  await expectAllInside(page, keys);

  // No minimap while the whole tree is in view (it would only cover cards); zoomed in, it shows
  // the states, and follows them when a worker runs the chain.
  await expect(page.locator('.react-flow__minimap')).toHaveCount(0);
  await page.getByRole('button', { name: 'Zoom In' }).click();
  await page.getByRole('button', { name: 'Zoom In' }).click();
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  await expect.poll(() => minimapFills(page)).toContain('var(--state-waiting)');
  const outcomes = new JobOutcomes();
  const worker = outcomes.watch(new Worker('e2e-vp-steps', scriptedProcessor, { connection, concurrency: 5 }));
  const rootWorker = outcomes.watch(new Worker('e2e-vp-root', scriptedProcessor, { connection }));
  try {
    await outcomes.until(Object.fromEntries(keys.map((k) => [k, 'completed' as const])));
  } finally {
    await worker.close();
    await rootWorker.close();
  }
  await expect(page.locator(`[data-testid="flow-node"][data-job-key="${keys[0]}"]`)).toHaveAttribute('data-state', 'completed');
  await expect.poll(() => minimapFills(page)).toEqual(keys.map(() => 'var(--state-completed)'));
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await expect(page.locator('.react-flow__minimap')).toHaveCount(0);

  // The dock takes the bottom of the main area: the whole chain is fitted above it.
  await page.getByRole('button', { name: /Scenarios/ }).click();
  await expect(page.getByTestId('scenario-dock')).toHaveAttribute('data-open', 'true');
  await expectAllInside(page, keys);
  await page.getByRole('button', { name: /Scenarios/ }).click();
  await expectAllInside(page, keys);

  // The inspector covers the right of the canvas: the tree moves into the rest.
  await page.locator(`[data-testid="flow-node"][data-job-key="${keys[2]}"]`).click();
  await expect(page.getByTestId('inspector')).toBeVisible();
  await expectAllInside(page, keys, 460);
  await page.getByRole('button', { name: 'Close details' }).click();
  await expectAllInside(page, keys);

  // Once the person pans, the view is theirs: the dock keeps what was at the centre, at the same zoom.
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  await page.mouse.move(pane.x + 60, pane.y + pane.height / 2);
  await page.mouse.down();
  await page.mouse.move(pane.x + 160, pane.y + pane.height / 2 + 30, { steps: 5 });
  await page.mouse.up();
  const rootCard = page.locator(`[data-testid="flow-node"][data-job-key="${keys[0]}"]`);
  const before = (await rootCard.boundingBox())!;
  const canvasBefore = (await page.locator('.react-flow').boundingBox())!;
  await page.getByRole('button', { name: /Scenarios/ }).click();
  await expect.poll(async () => (await page.locator('.react-flow').boundingBox())!.height).toBeLessThan(canvasBefore.height);
  const shrink = canvasBefore.height - (await page.locator('.react-flow').boundingBox())!.height;
  await expect.poll(async () => Math.abs((await rootCard.boundingBox())!.y - (before.y - shrink / 2))).toBeLessThan(1);
  expect((await rootCard.boundingBox())!.width).toBeCloseTo(before.width, 0);
});

test('"Zoom to failed" on a flow of 2,000 children goes to a readable cluster of failed ones, not out to everything', async ({ page }) => {
  test.setTimeout(120_000);
  const connection = await host().redis();
  const children: FlowJob[] = Array.from({ length: 2_000 }, (_, i) => ({
    name: `item-${i}`,
    queueName: 'e2e-vp-items',
    data: i % 5 === 0 ? { fail: `item ${i} is broken` } : {},
    opts: { ignoreDependencyOnFailure: true, attempts: 1 },
  }));
  const root = await addFlow(connection, { name: 'import-catalogue', queueName: 'e2e-vp-imports', opts: { jobId: 'catalogue' }, children });
  const outcomes = new JobOutcomes();
  const worker = outcomes.watch(new Worker('e2e-vp-items', scriptedProcessor, { connection, concurrency: 50 }));
  try {
    await outcomes.until(Object.fromEntries(root.children!.map((c, i) => [`${c.job.queueQualifiedName}:${c.job.id}`, i % 5 === 0 ? 'failed' : 'completed'] as const)), 60_000);
  } finally {
    await worker.close();
  }
  await openFlow(page, host(), root);
  const zoomToFailed = page.getByRole('button', { name: /^Zoom to failed/ });
  await expect(zoomToFailed).toBeEnabled();
  await zoomToFailed.click();
  const scale = async () => {
    return page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
  };
  // Readable (the fit of every failed card was far below 0.45), and failed cards are in sight.
  await expect.poll(scale).toBeGreaterThanOrEqual(0.45);
  const canvas = (await page.locator('.react-flow').boundingBox())!;
  const shownFailed = await page.locator('[data-testid="flow-node"][data-state="failed"]').evaluateAll(
    (els, box) =>
      els.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.left >= box.x && r.right <= box.x + box.width && r.top >= box.y && r.bottom <= box.y + box.height;
      }).length,
    canvas,
  );
  expect(shownFailed).toBeGreaterThan(3);
  // It says it shows some of them, and the next click moves on to others.
  await expect(page.getByTestId('failed-focus')).toContainText(/Showing \d+ of the [\d,]+ failed jobs in view/);
  const inSight = () =>
    page.locator('[data-testid="flow-node"][data-state="failed"]').evaluateAll(
      (els, box) =>
        els
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return r.left >= box.x && r.right <= box.x + box.width && r.top >= box.y && r.bottom <= box.y + box.height;
          })
          .map((el) => el.getAttribute('data-job-key'))
          .sort(),
      canvas,
    );
  const firstCluster = await inSight();
  await zoomToFailed.click();
  await expect.poll(async () => (await inSight()).filter((k) => !firstCluster.includes(k)).length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await expect(page.getByTestId('failed-focus')).toHaveCount(0);
});
