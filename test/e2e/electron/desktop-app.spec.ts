// The desktop app itself, launched by Playwright's Electron driver. Runs only where an
// Electron binary exists (ELECTRON_PATH or an installed `electron` package): the project is
// left out of playwright.config.ts otherwise, and test/run-all.js says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronPath } from '../../helpers/browsers.js';

test('opens a sandboxed window connected to its sandbox Redis, with no Node in the page', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-desktop-'));
  const env: Record<string, string> = Object.fromEntries(Object.entries({ ...process.env, FLOWSCOPE_DATA_DIR: dataDir }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  delete env.REDIS_URL;
  const app = await electron.launch({
    executablePath: electronPath()!,
    args: ['out/main/index.js', `--user-data-dir=${dataDir}`, '--no-sandbox'],
    env,
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('connection-state')).toHaveText('connected');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof window.flowscope?.listQueues)).toBe('function');
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
