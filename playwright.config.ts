// End-to-end tests: the real renderer, served by the real web host, in Debian's Chromium.
// The Electron project runs only where an Electron binary exists (ELECTRON_PATH, or a binary
// the electron package downloaded): the same specs, with the desktop app in place of the web
// host — one fixture switches (metadata.face, read by test/e2e/fixtures/web-host.ts) — plus
// test/e2e/electron. Left out there: what only the web host has (its token).
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions, electronPath } from './test/helpers/browsers.js';

const electron = electronPath();

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', testIgnore: /electron\// },
    ...(electron
      ? [
          {
            name: 'electron',
            metadata: { face: 'desktop' },
            grepInvert: /the page without its token is refused/,
            // The fixture attaches the desktop window on failure (the Chromium page is unused).
            use: { screenshot: 'off' as const },
          },
        ]
      : []),
  ],
});
