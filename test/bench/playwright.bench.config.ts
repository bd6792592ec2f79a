// `npm run bench`, UI part: Playwright in Debian's Chromium against the built `flowscope serve`
// (run `npm run build` first). The tests in test/bench/ui/*.bench.ts measure and write
// test-results/bench/ui.json through report(); they do not assert time targets.
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../helpers/browsers.js';

export default defineConfig({
  testDir: 'ui',
  testMatch: /\.bench\.ts$/,
  // Playwright empties its output folder at the start of a run: never test-results/bench itself.
  outputDir: '../../test-results/bench-ui',
  timeout: 4 * 60_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: chromiumLaunchOptions(),
  },
});
