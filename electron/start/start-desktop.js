#!/usr/bin/env node
// `npm start`: makes sure there is an Electron binary (the electron package's own download
// when none was fetched yet, bounded by a timeout; or ELECTRON_EXEC_PATH), builds the desktop
// bundles when they are missing or older than their sources, then starts Electron on the app
// folder. Where no binary can be had it stops at once with a short message and exit code 1.
// `--dev` hands the binary to `electron-vite dev` instead. The decisions are in desktop-launch.js.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUILD_INPUTS,
  BUILD_OUTPUTS,
  cannotStartMessage,
  chooseElectronBinary,
  downloadFailedProblem,
  downloadReason,
  downloadTimeoutSeconds,
  electronArgs,
  electronMirror,
  isBuildStale,
  launchEnv,
} from './desktop-launch.js';

const appDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const requireFromApp = createRequire(join(appDir, 'package.json'));

function fail(problem) {
  process.stderr.write(cannotStartMessage(problem));
  process.exit(1);
}

function readText(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function findPackage(name) {
  try {
    const file = requireFromApp.resolve(`${name}/package.json`);
    return { dir: dirname(file), pkg: JSON.parse(readFileSync(file, 'utf8')) };
  } catch {
    return undefined;
  }
}

function binOf(found, name) {
  const bin = typeof found.pkg.bin === 'string' ? found.pkg.bin : found.pkg.bin?.[name];
  return bin ? join(found.dir, bin) : undefined;
}

function lookForBinary(electron) {
  return chooseElectronBinary(
    {
      execPath: process.env.ELECTRON_EXEC_PATH,
      overrideDistPath: process.env.ELECTRON_OVERRIDE_DIST_PATH,
      pathTxt: electron && readText(join(electron.dir, 'path.txt')),
      electronDir: electron?.dir,
      platform: process.platform,
      version: electron?.pkg.version,
      installedVersion: electron && readText(join(electron.dir, 'dist', 'version')),
    },
    existsSync,
  );
}

/** Runs the electron package's own installer (install-electron), bounded by a timeout. */
function download(electron, timeoutSeconds) {
  // Electron >= 42 names it as the install-electron bin; older packages ran it on postinstall.
  const installer = binOf(electron, 'install-electron') ?? join(electron.dir, 'install.js');
  process.stderr.write(`flowscope: downloading the Electron ${electron.pkg.version} binary (first start only)...\n`);
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [installer], { cwd: electron.dir, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-64 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }, timeoutSeconds * 1000);
    const ticker = setInterval(() => {
      process.stderr.write(`flowscope: still downloading (${Math.round((Date.now() - started) / 1000)} s)...\n`);
    }, 15_000);
    const done = (result) => {
      clearTimeout(timer);
      clearInterval(ticker);
      resolve(result);
    };
    child.on('error', (err) => done({ ok: false, reason: err.message }));
    child.on('close', (code) => done({ ok: code === 0 && !timedOut, timedOut, reason: downloadReason(output) }));
  });
}

function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function buildIsStale() {
  const newestInput = Math.max(0, ...BUILD_INPUTS.map((p) => newestMtime(join(appDir, p))));
  const outputs = BUILD_OUTPUTS.map((p) => {
    try {
      return statSync(join(appDir, p)).mtimeMs;
    } catch {
      return undefined;
    }
  });
  return isBuildStale(newestInput, outputs);
}

function runNode(script, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: appDir, env, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function electronVite() {
  const found = findPackage('electron-vite');
  const bin = found && binOf(found, 'electron-vite');
  if (!bin) fail('electron-vite is not installed (run npm install)');
  return bin;
}

/** Starts the binary and lives as long as it does: its exit code is ours, signals are passed on. */
function launch(binary, userArgs) {
  const child = spawn(binary, electronArgs(appDir, userArgs), { cwd: appDir, env: launchEnv(process.env), stdio: 'inherit' });
  child.on('error', (err) => fail(`${binary} could not be started (${err.code ?? err.message})`));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main() {
  const args = process.argv.slice(2);
  const dev = args[0] === '--dev';
  const userArgs = dev ? args.slice(1) : args;

  const electron = findPackage('electron');
  let binary = lookForBinary(electron);
  if (binary.kind === 'bad') fail(`${binary.from} points at ${binary.path}, which does not exist`);
  if (binary.kind === 'missing') {
    if (!electron) fail('the electron package is not installed (run npm install)');
    const seconds = downloadTimeoutSeconds(process.env.FLOWSCOPE_ELECTRON_DOWNLOAD_TIMEOUT);
    const result = await download(electron, seconds);
    const mirror = electronMirror(process.env);
    if (!result.ok) {
      fail(downloadFailedProblem({ version: electron.pkg.version, reason: result.reason, timedOutAfter: result.timedOut ? seconds : undefined, mirror }));
    }
    binary = lookForBinary(electron);
    if (binary.kind !== 'found') fail(`the Electron ${electron.pkg.version} download finished but left no binary in ${join(electron.dir, 'dist')}`);
  }

  if (dev) {
    process.exit(await runNode(electronVite(), ['dev', ...(userArgs.length ? ['--', ...userArgs] : [])], { ...process.env, ELECTRON_EXEC_PATH: binary.path }));
  }
  if (buildIsStale()) {
    process.stderr.write('flowscope: building the desktop app (its bundles are missing or older than the sources)...\n');
    const code = await runNode(electronVite(), ['build']);
    if (code !== 0) {
      process.stderr.write('flowscope: the build failed (see above).\n');
      process.exit(code);
    }
  }
  launch(binary.path, userArgs);
}

await main();
