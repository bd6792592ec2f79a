// The scenarios panel with the core's own workers, on the llm-fanout scenario: anthropic fails
// until fixed, so the orchestrating parent spends its attempts re-spawning only anthropic and
// fails; "Fix anthropic", then "Retry failed children" on the parent retries only the newest
// anthropic child (the older ones are superseded), the parent completes, and the call counters
// show that openai and mistral were called once. Saves the panel's screenshot.
import type { Page } from '@playwright/test';
import { hostPerFile, nodeCard } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1600, height: 1000 } });

const host = hostPerFile();

const calls = (page: Page, target: string) => page.locator(`[data-testid="call-count"][data-target="${target}"]`);

test('llm-fanout: the parent exhausts its attempts, Fix anthropic, Retry failed children completes it; healthy providers were called once', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(host().openUrl);
  await page.getByRole('button', { name: /Scenarios/ }).click();
  const dock = page.getByTestId('scenario-dock');
  await expect(dock.getByTestId('scenario')).toHaveCount(7);
  await dock.locator('[data-testid="scenario"][data-scenario="llm-fanout"]').click();
  const detail = dock.getByTestId('scenario-detail');
  await expect(detail).toHaveAttribute('data-scenario', 'llm-fanout');
  await expect(detail.getByRole('heading', { name: 'LLM fan-out orchestrator' })).toBeVisible();
  await expect(detail).toContainText('Expected outcome: anthropic fails until fixed');
  await expect(detail.getByLabel('Failure mode of anthropic')).toHaveValue('until-fixed');
  await expect(detail.getByLabel('Failure mode of openai')).toHaveValue('never');

  // Quick knobs, so the parent spends its three attempts in a second or two.
  await detail.getByLabel('Latency (ms)').fill('50');
  await detail.getByLabel('Attempts per child').fill('1');
  await detail.getByLabel('Backoff (ms)').fill('100');
  await expect(detail.getByLabel('Parent attempts')).toHaveValue('3');
  await detail.getByRole('button', { name: 'Run', exact: true }).click();

  // The seeded flow opens in the graph; its children appear as the parent spawns them.
  const view = page.getByTestId('flow-view');
  await expect(view).toHaveAttribute('data-queue', 'llm-orchestrator');
  const rootKey = `bull:llm-orchestrator:${await view.getAttribute('data-job-id')}`;
  const root = nodeCard(page, rootKey);
  await expect(root).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(page.locator('[data-testid="flow-node"][data-bucket="ignored"]')).toHaveCount(3);
  await expect(calls(page, 'anthropic')).toHaveAttribute('data-count', '3');
  await expect(calls(page, 'openai')).toHaveAttribute('data-count', '1');
  await expect(calls(page, 'mistral')).toHaveAttribute('data-count', '1');
  const workers = dock.getByTestId('worker');
  await expect(workers).toHaveCount(4);
  await expect(dock.locator('[data-testid="worker"][data-queue="llm-anthropic"] td').nth(1)).toHaveText('5');
  await expect(dock.locator('[data-testid="worker"][data-queue="llm-anthropic"] td').nth(3)).toHaveText('3');
  await detail.evaluate((el) => el.scrollTo(0, 0)); // clicking Run scrolled the knobs
  await page.screenshot({ path: 'docs/screenshots/scenarios-panel.png' });

  // The fix is deployed while the scenario runs.
  await dock.getByRole('button', { name: 'Fix anthropic' }).click();
  await expect(dock.locator('[data-testid="fixed-note"][data-target="anthropic"]')).toBeVisible();

  // Repair: only the newest anthropic failure runs again; the parent is reopened.
  await root.click();
  await page.getByTestId('inspector').getByRole('button', { name: 'Retry failed children' }).click();
  const dialog = page.getByTestId('action-dialog');
  await expect(dialog).toHaveAttribute('data-phase', 'preview');
  await expect(dialog.locator('[data-section="retried"] [data-testid="action-item"]')).toHaveCount(1);
  await expect(dialog.locator('[data-section="retried"]')).toContainText('query-anthropic');
  await expect(dialog.locator('[data-section="reopened"] [data-testid="action-item"]')).toHaveAttribute('data-job-key', rootKey);
  const skipped = dialog.locator('[data-section="skipped"] [data-testid="action-item"]');
  await expect(skipped).toHaveCount(2);
  await expect(skipped.first()).toContainText('superseded by');
  // Including superseded failures would pay anthropic three times: the preview shows it.
  await dialog.getByLabel('Include superseded').check();
  await expect(dialog.locator('[data-section="retried"] [data-testid="action-item"]')).toHaveCount(3);
  await dialog.getByLabel('Include superseded').uncheck();
  await expect(dialog.locator('[data-section="retried"] [data-testid="action-item"]')).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Retry failed children now' }).click();
  await expect(dialog).toHaveAttribute('data-phase', 'done');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  await expect(root).toHaveAttribute('data-state', 'completed', { timeout: 20_000 });
  await expect(calls(page, 'anthropic')).toHaveAttribute('data-count', '4');
  await expect(calls(page, 'openai')).toHaveAttribute('data-count', '1');
  await expect(calls(page, 'mistral')).toHaveAttribute('data-count', '1');

  await dock.getByRole('button', { name: 'Stop' }).click();
  await expect(dock.getByTestId('run-status')).toHaveCount(0);
  await expect(dock.getByTestId('scenario-message')).toContainText('Stopped');
});
