// `npm start`'s own path, without an Electron binary: the start script, copied into a
// throwaway app folder (a package.json with the same start script, built bundles, and for the
// download the real electron package's installer), run through `npm start`. A stand-in
// executable given as ELECTRON_EXEC_PATH records what it was started with; without a binary the
// download goes only to 127.0.0.1 (a closed port, or a server that never answers).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const repoPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const electronVersion = (JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function write(file: string, text: string, mode?: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (mode) chmodSync(file, mode);
}

/** A throwaway app folder: the start script, package.json's start script, built bundles. */
function appFolder(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'flowscope-start-')));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  for (const file of ['start-desktop.js', 'desktop-launch.js']) {
    mkdirSync(join(root, 'electron', 'start'), { recursive: true });
    copyFileSync(join(repo, 'electron', 'start', file), join(root, 'electron', 'start', file));
  }
  write(join(root, 'electron/main/index.ts'), '// a source\n');
  write(
    join(root, 'package.json'),
    JSON.stringify({ name: 'flowscope-start-fixture', private: true, type: 'module', main: 'out/main/index.js', scripts: { start: repoPkg.scripts.start } }),
  );
  for (const out of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) write(join(root, out), '// built\n');
  return root;
}

/** An executable that records its arguments, folder and a few variables, and exits with STANDIN_EXIT. */
function standIn(root: string): { path: string; record: string } {
  const path = join(root, 'stand-in', 'electron');
  const record = join(root, 'stand-in', 'record.json');
  write(
    path,
    `#!${process.execPath}\nconst { writeFileSync } = require('node:fs');\n` +
      `writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), ` +
      `runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null, mark: process.env.FLOWSCOPE_MARK ?? null }));\n` +
      `process.exit(Number(process.env.STANDIN_EXIT ?? 0));\n`,
    0o755,
  );
  write(join(root, 'stand-in', 'package.json'), JSON.stringify({ type: 'commonjs' }));
  return { path, record };
}

/** Our environment without anything that would point the start script at a real binary or mirror. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(ELECTRON_|electron_)|electron_mirror|^(https?|no|all)_proxy$/i.test(key)) continue;
    if (/^npm_/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', ...extra };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function npmStart(root: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<Run> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`npm start did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('npm start with a binary (a stand-in given as ELECTRON_EXEC_PATH)', () => {
  it('starts it on the app folder, whose package.json names the built main entry, with the arguments given', async () => {
    const root = appFolder();
    const electron = standIn(root);
    const run = await npmStart(root, ['--enable-logging', '--flag=x'], cleanEnv({ ELECTRON_EXEC_PATH: electron.path, ELECTRON_RUN_AS_NODE: '1', FLOWSCOPE_MARK: 'passed' }));
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(readFileSync(electron.record, 'utf8')) as { argv: string[]; cwd: string; runAsNode: string | null; mark: string | null };
    expect(record.argv).toEqual([root, '--enable-logging', '--flag=x']);
    expect(record.cwd).toBe(root);
    expect((JSON.parse(readFileSync(join(record.argv[0]!, 'package.json'), 'utf8')) as { main: string }).main).toBe('out/main/index.js');
    expect(existsSync(join(root, 'out/main/index.js'))).toBe(true);
    expect(record.runAsNode).toBeNull();
    expect(record.mark).toBe('passed');
    expect(run.stderr).not.toContain('building');
  });

  it("exits with the app's exit code", async () => {
    const root = appFolder();
    const electron = standIn(root);
    const run = await npmStart(root, [], cleanEnv({ ELECTRON_EXEC_PATH: electron.path, STANDIN_EXIT: '7' }));
    expect(run.code).toBe(7);
  });

  it('builds first when a source is newer than the bundles, and not at all when the build fails', async () => {
    const root = appFolder();
    const electron = standIn(root);
    const builds = join(root, 'builds.log');
    // A stand-in electron-vite: records the command, rewrites the bundles (or fails).
    write(join(root, 'node_modules/electron-vite/package.json'), JSON.stringify({ name: 'electron-vite', version: '6.0.0', bin: { 'electron-vite': 'bin/electron-vite.js' } }));
    write(
      join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
      `import { appendFileSync, writeFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(builds)}, process.argv.slice(2).join(' ') + '\\n');\n` +
        `if (process.env.BUILD_FAILS) process.exit(2);\n` +
        `for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) writeFileSync(f, '// rebuilt\\n');\n`,
    );
    write(join(root, 'node_modules/electron-vite/bin/package.json'), JSON.stringify({ type: 'module' }));
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'electron/main/index.ts'), later, later);

    const failed = await npmStart(root, [], cleanEnv({ ELECTRON_EXEC_PATH: electron.path, BUILD_FAILS: '1' }));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('the build failed');
    expect(existsSync(electron.record)).toBe(false);

    const built = await npmStart(root, [], cleanEnv({ ELECTRON_EXEC_PATH: electron.path }));
    expect(built.code, built.stderr).toBe(0);
    expect(readFileSync(builds, 'utf8')).toBe('build\nbuild\n');
    expect(readFileSync(join(root, 'out/main/index.js'), 'utf8')).toBe('// rebuilt\n');
    expect(existsSync(electron.record)).toBe(true);
  });

  it('says so at once when ELECTRON_EXEC_PATH names no file', async () => {
    const root = appFolder();
    const run = await npmStart(root, [], cleanEnv({ ELECTRON_EXEC_PATH: join(root, 'no-such-electron') }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`ELECTRON_EXEC_PATH points at ${join(root, 'no-such-electron')}, which does not exist`);
    expect(run.stderr).toContain('npm run serve');
  });
});

describe('npm start without a binary and without a network', () => {
  /** The real electron package's installer, with no binary fetched (no path.txt, no dist/). */
  function withElectronPackage(root: string): string {
    const pkgDir = join(root, 'node_modules/electron');
    mkdirSync(pkgDir, { recursive: true });
    for (const file of ['package.json', 'install.js', 'index.js', 'cli.js', 'checksums.json']) copyFileSync(join(repo, 'node_modules/electron', file), join(pkgDir, file));
    for (const scope of ['@electron', '@electron-internal']) {
      if (existsSync(join(repo, 'node_modules', scope))) symlinkSync(join(repo, 'node_modules', scope), join(root, 'node_modules', scope), 'dir');
    }
    const cache = join(root, 'electron-cache');
    mkdirSync(cache);
    return cache;
  }

  it('stops within seconds with what failed, the two ways on, exit code 1 and no stack trace', async () => {
    const root = appFolder();
    const cache = withElectronPackage(root);
    const run = await npmStart(root, [], cleanEnv({ ELECTRON_MIRROR: 'http://127.0.0.1:1/', electron_config_cache: cache }));
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain(`cannot open the desktop app: the Electron ${electronVersion} binary is not installed and downloading it from http://127.0.0.1:1/ failed`);
    expect(run.stderr).toContain('npm run serve');
    expect(run.stderr).toContain('ELECTRON_EXEC_PATH=/path/to/electron npm start');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('Electron uninstall');
    expect(existsSync(join(root, 'node_modules/electron/path.txt'))).toBe(false);
  });

  it('gives up when the download hangs, after FLOWSCOPE_ELECTRON_DOWNLOAD_TIMEOUT seconds', async () => {
    const root = appFolder();
    const cache = withElectronPackage(root);
    // A loopback server that takes the request and never answers.
    const sockets = new Set<Socket>();
    const server: Server = createServer(() => undefined);
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    cleanups.push(
      () =>
        new Promise<void>((closed) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => closed());
        }),
    );
    const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const run = await npmStart(root, [], cleanEnv({ ELECTRON_MIRROR: mirror, electron_config_cache: cache, FLOWSCOPE_ELECTRON_DOWNLOAD_TIMEOUT: '1.5' }));
    expect(sockets.size).toBeGreaterThan(0);
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain(`downloading it from ${mirror} did not finish within 1.5 s`);
    expect(run.stderr).toContain('npm run serve');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
