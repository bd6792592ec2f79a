// The scenarios dock for a presenter: each scenario shows only the knobs it reads; folded, the
// bar keeps Stop and the counters; switching connection asks first, naming the scenarios it
// stops, and switching back offers to run them again with the knobs they had. At 1024x700 the
// open dock leaves the graph most of the main area.
import { hostPerFile } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1024, height: 700 } });

const host = hostPerFile();

test('only the knobs a scenario reads are shown', async ({ page }) => {
  await page.goto(host().openUrl);
  await page.getByRole('button', { name: /Scenarios/ }).click();
  const dock = page.getByTestId('scenario-dock');
  const detail = dock.getByTestId('scenario-detail');
  const pick = (name: string) => dock.locator(`[data-testid="scenario"][data-scenario="${name}"]`).click();

  await pick('stuck-parent');
  await expect(detail).toHaveAttribute('data-scenario', 'stuck-parent');
  await expect(detail.getByLabel('Latency (ms)')).toBeVisible();
  await expect(detail.getByLabel('Parent attempts')).toHaveCount(0);
  await expect(detail.getByLabel('Fan-out size')).toHaveCount(0);

  await pick('fan-out-aggregator');
  await expect(detail.getByLabel('Fan-out size')).toBeVisible();
  await expect(detail.getByLabel('Parent attempts')).toHaveCount(0);

  await pick('llm-fanout');
  await expect(detail.getByLabel('Parent attempts')).toBeVisible();
  await expect(detail.getByLabel('Fan-out size')).toHaveCount(0);
});

test('a switch names the scenarios it stops before stopping them; switching back offers them again with their knobs', async ({ page }) => {
  const redis = await host().redis();
  // The same Redis under another name: a second connection without a second server.
  const other = await host().api<{ id: string }>('saveConnection', { name: 'Same Redis', url: `redis://localhost:${redis.port}`, prefix: 'bull', readOnly: false });

  await page.goto(host().openUrl);
  await page.getByRole('button', { name: /Scenarios/ }).click();
  const dock = page.getByTestId('scenario-dock');
  await dock.locator('[data-testid="scenario"][data-scenario="stuck-parent"]').click();
  const detail = dock.getByTestId('scenario-detail');
  await detail.getByLabel('Latency (ms)').fill('40');
  await detail.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dock.getByTestId('run-status')).toHaveAttribute('data-scenario', 'stuck-parent');

  // The graph keeps most of the main area with the dock open.
  const main = (await page.locator('main.main').boundingBox())!;
  const stage = (await page.locator('.flow-stage').boundingBox())!;
  expect(stage.height).toBeGreaterThan(main.height / 2);

  // Folded, the bar still stops it and shows its counters.
  await dock.getByRole('button', { name: /Scenarios/ }).click();
  await expect(dock).toHaveAttribute('data-open', 'false');
  await expect(dock.getByTestId('dock-bar-controls').getByRole('button', { name: /^Stop/ })).toBeVisible();

  await page.getByTestId('open-connections').click();
  const picker = page.getByTestId('connection-picker');
  const row = picker.locator(`[data-testid="connection-row"][data-connection-id="${other.id}"]`);
  await row.getByRole('button', { name: 'Use' }).click();
  const confirm = row.getByTestId('confirm-switch');
  await expect(confirm).toContainText('stuck-parent');
  await page.screenshot({ path: test.info().outputPath('confirm-switch.png') });
  // Staying keeps it running.
  await confirm.getByRole('button', { name: 'Stay' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  expect((await host().api<{ name: string }[]>('listScenarioRuns')).map((r) => r.name)).toEqual(['stuck-parent']);

  await row.getByRole('button', { name: 'Use' }).click();
  await row.getByTestId('confirm-switch').getByRole('button', { name: 'Stop and switch' }).click();
  await expect(picker).toHaveCount(0);
  await expect(dock.locator('.dock-summary')).toHaveText('built-in failure scenarios with live workers');
  // Nothing to offer on the other connection.
  await expect(dock.getByTestId('stopped-scenarios')).toHaveCount(0);

  // Back: no running scenario, so no question; the dock offers the stopped one again.
  await page.getByTestId('open-connections').click();
  await picker.locator('[data-testid="connection-row"][data-connection-id="sandbox"]').getByRole('button', { name: 'Use' }).click();
  await expect(picker).toHaveCount(0);
  const offer = dock.getByTestId('stopped-scenarios');
  await expect(offer).toContainText('Switching connection stopped stuck-parent here');
  await page.screenshot({ path: test.info().outputPath('stopped-offer.png') });
  await offer.getByRole('button', { name: 'Run it again' }).click();
  await expect(offer).toHaveCount(0);
  await expect(dock.locator('.dock-summary')).toHaveText('running: stuck-parent');
  const runs = await host().api<{ name: string; knobs: { latencyMs: number } }[]>('listScenarioRuns');
  expect(runs.map((r) => [r.name, r.knobs.latencyMs])).toEqual([['stuck-parent', 40]]);
  await host().api('stopScenario', { name: 'stuck-parent' });
});
