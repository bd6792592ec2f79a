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

  // The minimap shows the states, and follows them when a worker runs the chain.
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
});
