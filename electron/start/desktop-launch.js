// The decisions of `npm start` (electron/start/start-desktop.js), as pure functions of what it found:
// which Electron binary to run, whether the build is stale, what to start it with, and what to
// say when it cannot. Plain JS (it runs before anything is built); unit-tested in
// test/unit/desktop-start.test.ts.
import { join } from 'node:path';

// A test seam: exported for test/unit/desktop-start.test.ts.
/** The executable inside an Electron dist folder, as the electron package's install.js names it. */
export function platformExecutable(platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * Which binary to run. In order: ELECTRON_EXEC_PATH (a binary you have, as electron-vite reads
 * it), ELECTRON_OVERRIDE_DIST_PATH (a folder holding one, as the electron package reads it), then
 * the package's own download (path.txt names the executable under dist/, dist/version its version).
 * @returns {{ kind: 'found', path: string, from: string } | { kind: 'bad', path: string, from: string } | { kind: 'missing' }}
 */
export function chooseElectronBinary({ execPath, overrideDistPath, pathTxt, electronDir, platform, version, installedVersion }, exists) {
  if (execPath) {
    return exists(execPath) ? { kind: 'found', path: execPath, from: 'ELECTRON_EXEC_PATH' } : { kind: 'bad', path: execPath, from: 'ELECTRON_EXEC_PATH' };
  }
  if (overrideDistPath) {
    const path = join(overrideDistPath, pathTxt || platformExecutable(platform));
    return exists(path) ? { kind: 'found', path, from: 'ELECTRON_OVERRIDE_DIST_PATH' } : { kind: 'bad', path, from: 'ELECTRON_OVERRIDE_DIST_PATH' };
  }
  // A binary left by another version of the package (after an upgrade) is fetched again.
  const stale = version !== undefined && installedVersion !== undefined && installedVersion.replace(/^v/, '') !== version;
  if (pathTxt && electronDir && !stale) {
    const path = join(electronDir, 'dist', pathTxt);
    if (exists(path)) return { kind: 'found', path, from: 'the electron package' };
  }
  return { kind: 'missing' };
}

/** The desktop bundles electron-vite writes; the app cannot start without all three. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

/** What the desktop bundles are built from: a change to any of them makes the build stale. */
export const BUILD_INPUTS = [
  'electron/main',
  'electron/preload',
  'electron/core',
  'shared',
  'renderer',
  'electron.vite.config.ts',
  'tsconfig.json',
  'tsconfig.base.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
  'package.json',
  'package-lock.json',
];

/**
 * The build is stale when an output is missing or older than the newest input.
 * @param {number} newestInput mtime (ms) of the newest input file, 0 when there is none
 * @param {(number | undefined)[]} outputs mtime (ms) of each output, undefined when missing
 */
export function isBuildStale(newestInput, outputs) {
  if (outputs.length === 0 || outputs.some((m) => m === undefined)) return true;
  return Math.min(...outputs) < newestInput;
}

/** Electron is started on the app folder (its package.json names out/main/index.js), then the user's arguments. */
export function electronArgs(appDir, userArgs) {
  return [appDir, ...userArgs];
}

/** The environment Electron gets: ours, without what would turn it into plain Node. */
export function launchEnv(env) {
  const out = { ...env };
  delete out.ELECTRON_RUN_AS_NODE;
  return out;
}

/** Seconds the download may take (FLOWSCOPE_ELECTRON_DOWNLOAD_TIMEOUT), else the default. */
export function downloadTimeoutSeconds(value, fallback = 300) {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The one line worth showing from install.js's stderr: the error message, not its stack. */
export function downloadReason(stderr) {
  const lines = String(stderr)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/^Downloading\b/i.test(l));
  const error = lines.find((l) => /^(\w*Error|Error)\b[:\s]/.test(l) || /^\w+Error$/.test(l));
  const line = (error ?? lines[0])?.replace(/^\w*Error:\s*/, '');
  if (!line) return 'it stopped without saying why';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

export const WAYS_ON = [
  'Two ways on:',
  '  npm run serve                                    the same app in your browser (no Electron needed)',
  '  ELECTRON_EXEC_PATH=/path/to/electron npm start   with an Electron binary you already have',
].join('\n');

/** What `npm start` says when it cannot get a binary. No stack trace, the two ways on. */
export function cannotStartMessage(problem) {
  return `flowscope: cannot open the desktop app: ${problem}.\n${WAYS_ON}\n`;
}

export function downloadFailedProblem({ version, reason, timedOutAfter, mirror }) {
  const from = ` from ${mirror ?? 'github.com'}`;
  const what = `the Electron ${version} binary is not installed and downloading it${from}`;
  if (timedOutAfter !== undefined) return `${what} did not finish within ${timedOutAfter} s (FLOWSCOPE_ELECTRON_DOWNLOAD_TIMEOUT sets the limit)`;
  return `${what} failed: ${reason}`;
}

/** The mirror @electron/get will use, as it reads it (npm config first, then ELECTRON_MIRROR). */
export function electronMirror(env) {
  return env.npm_config_electron_mirror || env.NPM_CONFIG_ELECTRON_MIRROR || env.npm_package_config_electron_mirror || env.ELECTRON_MIRROR || undefined;
}
