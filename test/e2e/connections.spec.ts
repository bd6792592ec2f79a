// The connection picker: the sandbox first, add a connection (tested before it is saved),
// edit it, remove another, switch to it and back. A read-only connection to the same Redis
// keeps the flows readable and disables every action, saying why, in the inspector, in the
// graph's menu and in the scenarios panel. Saves the picker's screenshot.
import { Worker } from 'bullmq';
import { JobOutcomes, scriptedProcessor } from '../helpers/flows';
import { addFlow, hostPerFile, keyOf, nodeCard, openFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

test.use({ viewport: { width: 1440, height: 900 } });

const host = hostPerFile();

test('the picker adds, tests, edits, removes and switches connections; read-only disables every action with the reason', async ({ page }) => {
  const connection = await host().redis();
  const sandboxUrl = `redis://${connection.host}:${connection.port}`;
  const outcomes = new JobOutcomes();
  const root = await addFlow(connection, {
    name: 'checkout',
    queueName: 'e2e-conn-orders',
    opts: { jobId: 'order-1' },
    children: [
      { name: 'charge-card', queueName: 'e2e-conn-steps', data: { fail: 'card declined' }, opts: { failParentOnFailure: true } },
      { name: 'reserve-stock', queueName: 'e2e-conn-steps', data: {} },
    ],
  });
  const worker = outcomes.watch(new Worker('e2e-conn-steps', scriptedProcessor, { connection }));
  try {
    await outcomes.until({ [keyOf(root.children![0]!)]: 'failed', [keyOf(root.children![1]!)]: 'completed' });
  } finally {
    await worker.close();
  }

  await openFlow(page, host(), root);
  const rootNode = nodeCard(page, keyOf(root));
  await rootNode.click();
  const inspector = page.getByTestId('inspector');
  const retry = inspector.getByRole('button', { name: 'Retry failed children' });
  await expect(retry).toBeEnabled();

  // The picker: the sandbox first and in use; this web host keeps saved ones for the session.
  await page.getByRole('button', { name: 'Connections' }).click();
  const picker = page.getByTestId('connection-picker');
  const rows = picker.getByTestId('connection-row');
  await expect(rows.first()).toHaveAttribute('data-connection-id', 'sandbox');
  await expect(rows.first()).toHaveAttribute('data-active', 'true');
  await expect(picker.getByTestId('session-only')).toContainText('kept for this session only');

  // Add a read-only connection to the same Redis, testing it before saving.
  await picker.getByRole('button', { name: '+ Add connection' }).click();
  const form = picker.getByTestId('connection-form');
  await form.getByLabel('Name').fill('Support view');
  await form.getByLabel('Redis URL').fill(sandboxUrl);
  await form.getByLabel('Prefix').fill('bull');
  await form.getByLabel('Read-only').check();
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByTestId('connection-test')).toHaveAttribute('data-ok', 'true');
  await expect(form.getByTestId('connection-test')).toContainText(/Connected: Redis \d/);
  await expect(form.getByTestId('connection-test')).toContainText('2 queue(s) under prefix bull');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toHaveCount(0);
  const saved = rows.filter({ hasText: 'Support view' });
  await expect(saved).toContainText('read-only');
  await expect(saved).toContainText(sandboxUrl);

  // A connection that cannot work says so when tested; it can be removed.
  await picker.getByRole('button', { name: '+ Add connection' }).click();
  await form.getByLabel('Name').fill('Nowhere');
  await form.getByLabel('Redis URL').fill('redis://127.0.0.1:1');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByTestId('connection-test')).toHaveAttribute('data-ok', 'false');
  await expect(form.getByTestId('connection-test')).toContainText('Cannot connect');
  await form.getByRole('button', { name: 'Save' }).click();
  const nowhere = rows.filter({ hasText: 'Nowhere' });
  await nowhere.getByRole('button', { name: 'Test' }).click();
  await expect(nowhere.getByTestId('connection-test')).toContainText('Cannot connect');
  await page.screenshot({ path: 'docs/screenshots/connection-picker.png' });
  await nowhere.getByRole('button', { name: 'Remove' }).click();
  await nowhere.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(nowhere).toHaveCount(0);

  // Edit: a new name, the rest kept.
  await saved.getByRole('button', { name: 'Edit' }).click();
  await expect(form.getByLabel('Redis URL')).toHaveValue(sandboxUrl);
  await expect(form.getByLabel('Read-only')).toBeChecked();
  await form.getByLabel('Name').fill('Support view (read-only)');
  await form.getByRole('button', { name: 'Save' }).click();
  const edited = rows.filter({ hasText: 'Support view (read-only)' });
  await expect(edited).toHaveCount(1);
  await expect(rows).toHaveCount(2);

  // Switch to it: the badge says read-only, the flow is still shown, every action is off.
  await edited.getByRole('button', { name: 'Use' }).click();
  await expect(picker).toHaveCount(0);
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  await expect(page.locator('.topbar .badge-readonly')).toHaveText('read-only');
  await expect(page.getByTestId('connection-target')).toContainText(sandboxUrl);
  await expect(page.locator('[data-testid="queue"][data-queue="e2e-conn-orders"]')).toBeVisible();
  await expect(page.getByTestId('flow-live')).toHaveAttribute('data-live', 'live');
  await rootNode.click();
  await expect(retry).toBeDisabled();
  await expect(retry).toHaveAttribute('title', /Read-only connection/);
  await expect(inspector.getByRole('button', { name: 'Remove job' })).toBeDisabled();
  await expect(inspector.getByTestId('read-only-reason')).toContainText('Read-only connection: actions are disabled');

  await rootNode.click({ button: 'right' });
  const menu = page.getByTestId('node-menu');
  await expect(menu.getByRole('button', { name: 'Retry failed children' })).toBeDisabled();
  await expect(menu).toContainText('Read-only connection');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);

  await page.getByRole('button', { name: 'Scenarios' }).click();
  const dock = page.getByTestId('scenario-dock');
  await expect(dock.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
  await expect(dock).toContainText('Read-only connection: scenarios start workers and write jobs');
  await page.getByRole('button', { name: 'Scenarios' }).click();

  // Back to the sandbox: the actions come back.
  await page.getByRole('button', { name: 'Connections' }).click();
  await expect(rows.filter({ hasText: 'Support view (read-only)' })).toHaveAttribute('data-active', 'true');
  await rows.first().getByRole('button', { name: 'Use' }).click();
  await expect(page.locator('.topbar .badge-readonly')).toHaveCount(0);
  await expect(page.getByTestId('connection-target')).toContainText('Sandbox');
  await rootNode.click();
  await expect(retry).toBeEnabled();
});
