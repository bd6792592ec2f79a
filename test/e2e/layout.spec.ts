// A layout that holds: at 1024x700 and 1440x900, light and dark, no panel scrolls sideways and
// no text is cut, on the views a presenter and a support person use — the flow with the
// scenarios dock open and a scenario running, the inspector on a failed child, the folded
// dock, a repair's preview, the legend, the connection picker. Saves the README's screenshots
// of each size (the dock in light and dark, the inspector in light).
import type { Page } from '@playwright/test';
import { layoutProblems } from './fixtures/layout-checks';
import { hostPerFile } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;

async function expectNoLayoutProblems(page: Page, view: string) {
  // Fonts and live counters settle first; a problem then is a real one.
  await page.evaluate(() => document.fonts.ready);
  expect(await layoutProblems(page), `${view}: panels that scroll sideways or cut text`).toEqual([]);
}

/** llm-fanout with quick knobs, run once per host: its flow has failed children and ignored ones. */
async function runDemo(page: Page) {
  const dock = page.getByTestId('scenario-dock');
  if ((await dock.getAttribute('data-open')) !== 'true') await dock.getByRole('button', { name: /Scenarios/ }).click();
  await dock.locator('[data-testid="scenario"][data-scenario="llm-fanout"]').click();
  const detail = dock.getByTestId('scenario-detail');
  const running = (await host().api<{ name: string }[]>('listScenarioRuns')).some((r) => r.name === 'llm-fanout');
  if (!running) {
    await detail.getByLabel('Latency (ms)').fill('50');
    await detail.getByLabel('Attempts per child').fill('1');
    await detail.getByLabel('Backoff (ms)').fill('100');
    await detail.getByRole('button', { name: 'Run', exact: true }).click();
  } else {
    const root = (await host().api<{ roots: string[] }[]>('listScenarioRuns'))[0]!.roots[0]!;
    await page.evaluate((id) => (window.location.hash = `#/flow/llm-orchestrator/${id}`), root.split(':').pop()!);
  }
  const view = page.getByTestId('flow-view');
  await expect(view).toHaveAttribute('data-queue', 'llm-orchestrator');
  const rootKey = `bull:llm-orchestrator:${await view.getAttribute('data-job-id')}`;
  await expect(page.locator(`[data-testid="flow-node"][data-job-key="${rootKey}"]`)).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  // Its three ignored children (the canvas draws only the cards in sight: at least one is).
  await expect.poll(() => host().api<{ roots: string[]; calls: Record<string, number> }[]>('listScenarioRuns').then((r) => r[0]?.calls.anthropic ?? 0)).toBe(3);
  await expect(page.locator('[data-testid="flow-node"][data-bucket="ignored"]').first()).toBeVisible();
  await detail.evaluate((el) => el.closest('.scenario-main')?.scrollTo(0, 0));
  await detail.evaluate((el) => el.scrollTo(0, 0));
  return rootKey;
}

for (const size of SIZES) {
  test.describe(`${size.width}x${size.height}`, () => {
    test.use({ viewport: size });
    for (const scheme of ['light', 'dark'] as const) {
      test(`${scheme}: no sideways scrolling, no cut text`, async ({ page }) => {
        test.setTimeout(90_000);
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(host().openUrl);
        await expect(page.getByTestId('connection-state')).toHaveText('connected');
        await expectNoLayoutProblems(page, 'home');

        await runDemo(page);
        await expectNoLayoutProblems(page, 'flow with the dock open');
        await page.screenshot({ path: `docs/screenshots/demo-dock-${size.width}${scheme === 'dark' ? '-dark' : ''}.png` });

        // The failed jobs, then one of them in the inspector.
        await page.getByRole('button', { name: /^Zoom to failed/ }).click();
        const failedChild = page.locator('[data-testid="flow-node"][data-bucket="ignored"]').first();
        await expect(async () => {
          const canvas = (await page.locator('.react-flow').boundingBox())!;
          const box = (await failedChild.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(canvas.x);
          expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width);
        }).toPass();
        await failedChild.click();
        await expect(page.getByTestId('inspector')).toBeVisible();
        await expect(page.getByTestId('inspector').getByText('Reading the job’s data…')).toHaveCount(0);
        await expectNoLayoutProblems(page, 'inspector on a failed child, dock open');
        await page.getByTestId('scenario-dock').getByRole('button', { name: /Scenarios/ }).click();
        await expect(page.getByTestId('scenario-dock')).toHaveAttribute('data-open', 'false');
        await expectNoLayoutProblems(page, 'inspector on a failed child, dock folded');
        if (scheme === 'light') await page.screenshot({ path: `docs/screenshots/inspector-failed-${size.width}.png` });

        // The preview of a repair, over all of it.
        await page.getByTestId('inspector').getByRole('button', { name: 'Retry job' }).click();
        const dialog = page.getByTestId('action-dialog');
        await expect(dialog).toHaveAttribute('data-phase', 'preview');
        await expectNoLayoutProblems(page, 'action preview');
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await expect(dialog).toHaveCount(0);

        // The legend, open over the graph.
        await page.getByTestId('inspector').getByRole('button', { name: 'Close details' }).click();
        await page.locator('.legend summary').click();
        await expectNoLayoutProblems(page, 'legend');
        await page.locator('.legend summary').click();

        await page.getByTestId('open-connections').click();
        await expect(page.getByTestId('connection-picker')).toBeVisible();
        await expectNoLayoutProblems(page, 'connection picker');
      });
    }
  });
}
