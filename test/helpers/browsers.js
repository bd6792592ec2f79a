// Where the browsers for the E2E tests are: Debian's Chromium (or $CHROMIUM_PATH), and an
// Electron binary only if one is installed or $ELECTRON_PATH names it; and the Chromium launch
// options the Playwright configs share. Plain JS so that
// test/run-all.js can use it too.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? candidates[0] ?? '/usr/bin/chromium';
}

/** Playwright's launchOptions for that Chromium, quiet and offline (no sandbox, GPU, background fetches, sync or QUIC): the E2E and UI-bench configs share them. */
export function chromiumLaunchOptions() {
  return {
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  };
}

/** The Electron binary, found without loading the `electron` package (that would try to download it). */
export function electronPath() {
  if (process.env.ELECTRON_PATH) return existsSync(process.env.ELECTRON_PATH) ? process.env.ELECTRON_PATH : null;
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
