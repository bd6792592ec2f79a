// What only the desktop app has, in the Electron project (which also runs every web spec
// through the same fixture): a sandboxed window with the contract and no Node, and windows
// that are sessions of their own — a second one works, closing it cuts nothing else.
import { expect, test } from '../fixtures/web-host';
import { hostPerFile } from '../fixtures/flow-pages';
import type { DesktopHost } from '../fixtures/desktop-host';

const host = hostPerFile();

test('opens a sandboxed window connected to its sandbox Redis, with no Node in the page', async ({ page }) => {
  await page.goto(host().openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  expect(await page.evaluate(() => typeof window.flowscope?.listQueues)).toBe('function');
  expect(page.url()).toMatch(/^app:\/\/renderer\/index\.html/); // the app scheme, not file:// (security checklist 18)
});

test('a second window is its own session; closing it leaves the first one working', async ({ page }) => {
  const desktop = host() as unknown as DesktopHost;
  await page.goto(host().openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  const second = await desktop.newWindow();
  await expect(second.getByTestId('connection-state')).toHaveText('connected');
  expect(desktop.app.windows().length).toBeGreaterThanOrEqual(3); // the api window, the test's, this one
  await desktop.closeWindow(second);
  // The first window still calls the core and still hears its events.
  expect(await page.evaluate(async () => (await window.flowscope!.getConnectionStatus({} as never)).ok)).toBe(true);
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  expect((await host().api<{ state: string }>('getConnectionStatus')).state).toBe('connected');
});
