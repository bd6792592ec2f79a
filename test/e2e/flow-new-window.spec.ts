// "Open in new window": the flow in view opens beside the current one (a tab in a browser; in
// the desktop app the main process opens an app window, see electron/main/guards.ts), showing
// the same flow, while the first keeps its own.
import { hostPerFile, keyOf, nodeCard, openNewFlow } from './fixtures/flow-pages';
import { expect, test } from './fixtures/web-host';

const host = hostPerFile();

test('Open in new window shows the same flow beside the first', async ({ page }) => {
  const { root } = await openNewFlow(page, host(), {
    name: 'report',
    queueName: 'e2e-newwin-reports',
    children: [{ name: 'fetch', queueName: 'e2e-newwin-steps', data: {} }],
  });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Open in new window' }).click()]);
  await expect(nodeCard(popup, keyOf(root))).toBeVisible();
  await expect(nodeCard(popup, keyOf(root.children![0]!))).toBeVisible();
  expect(new URL(popup.url()).hash).toBe(new URL(page.url()).hash);
  await popup.close();
  await expect(nodeCard(page, keyOf(root))).toBeVisible();
});
