// The hosts and the CLI a chaos scenario drives. In the chaos run (`npm run test:chaos`) they are
// real processes: the CLI built from the sources into a throwaway folder (as bin.js runs the
// built one), `flowscope serve` started from it per host, and each CLI call a process of its
// own, so a crash is a process that died and memory is that process's peak RSS. The short
// cases in `npm test` run the same code in-process (no build): a crash there is an uncaught
// error, which fails the test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCore } from '../../electron/core/create-core';
import { memoryLogger } from '../../electron/core/log/logger';
import { startWebHost } from '../../electron/host/web-host';
import { runFlowscope } from '../helpers/cli-io';
import { peakRssMiB } from './tally';

export interface ChaosHost {
  /** http://127.0.0.1:port */
  url: string;
  token: string;
  /** The host's process, when it has one of its own. */
  pid: number | null;
  /** Peak RSS of the host process so far (MiB); null in-process. */
  peakRssMiB(): number | null;
  /** True once the host process ended by itself. */
  crashed(): boolean;
  /** What the host wrote on stderr (its log), last 4 KiB. */
  logTail(): string;
  close(): Promise<void>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ChaosRig {
  mode: 'process' | 'in-process';
  startHost(redisUrl: string, prefix: string): Promise<ChaosHost>;
  /** Runs `flowscope args…` to its end. */
  cli(args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

const root = resolve(import.meta.dirname, '../..');

/** The in-process rig: cores and web hosts in this process, the CLI through runCli. */
export function inProcessRig(): ChaosRig {
  const dirs: string[] = [];
  const hosts: ChaosHost[] = [];
  return {
    mode: 'in-process',
    async startHost(redisUrl, prefix) {
      const dir = mkdtempSync(join(tmpdir(), 'flowscope-chaos-host-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>chaos</title>');
      const log = memoryLogger();
      const core = await createCore({ shell: 'web', dataDir: dir, redisUrl, prefix, log });
      await core.ready;
      const web = await startWebHost({ core, staticDir: dir, log });
      const host: ChaosHost = {
        url: web.url,
        token: web.token,
        pid: null,
        peakRssMiB: () => null,
        crashed: () => false,
        logTail: () => log.entries.slice(-20).map((e) => `${e.level} ${e.message} ${JSON.stringify(e.fields ?? {})}`).join('\n'),
        async close() {
          await web.close();
          await core.close();
        },
      };
      hosts.push(host);
      return host;
    },
    async cli(args) {
      const dir = mkdtempSync(join(tmpdir(), 'flowscope-chaos-cli-'));
      try {
        return await runFlowscope(['--data-dir', dir, ...args]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async close() {
      await Promise.all(hosts.map((h) => h.close()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The process rig: builds the CLI once, then runs hosts and CLI calls as processes. */
export async function processRig(): Promise<ChaosRig> {
  const { build } = await import('vite');
  // Inside the project, so the bundle finds node_modules as out/host/cli.js does.
  const outDir = mkdtempSync(join(root, 'node_modules', '.flowscope-chaos-'));
  await build({ configFile: join(root, 'electron/host/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const entry = join(outDir, 'run.mjs');
  writeFileSync(entry, "const { runCli, processIo } = await import('./cli.js');\nprocess.exitCode = await runCli(process.argv.slice(2), processIo());\n");
  const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-chaos-data-'));
  const children: ChildProcess[] = [];
  const hosts: ChaosHost[] = [];
  const env = { ...process.env, FLOWSCOPE_DATA_DIR: dataDir };
  return {
    mode: 'process',
    async startHost(redisUrl, prefix) {
      const hostDir = mkdtempSync(join(dataDir, 'host-'));
      const child = spawn(process.execPath, [entry, '--redis', redisUrl, '--prefix', prefix, '--data-dir', hostDir, '--json', 'serve'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      });
      children.push(child);
      let stderr = '';
      let exited = false;
      let closing = false;
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
      child.once('exit', () => (exited = true));
      const printed = await new Promise<{ url: string }>((resolveUrl, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolveUrl(JSON.parse(line) as { url: string });
        });
        child.once('exit', (code) => reject(new Error(`flowscope serve exited with ${code}: ${stderr}`)));
      });
      const open = new URL(printed.url);
      const host: ChaosHost = {
        url: open.origin,
        token: open.searchParams.get('token')!,
        pid: child.pid!,
        peakRssMiB: () => peakRssMiB(child.pid!),
        crashed: () => exited && !closing,
        logTail: () => stderr,
        async close() {
          closing = true;
          if (exited) return;
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await gone;
        },
      };
      hosts.push(host);
      return host;
    },
    cli(args) {
      return new Promise((resolveRun) => {
        const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('exit', (code, signal) => resolveRun({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
      });
    },
    async close() {
      await Promise.all(hosts.map((h) => h.close()));
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      rmSync(outDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One call over the host's HTTP API; `ms` is how long it took, `hung` when no answer came in `timeoutMs`. */
export async function callHost(
  host: ChaosHost,
  method: string,
  args: unknown,
  timeoutMs = 15_000,
): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string }; ms: number; hung: boolean; status: number }> {
  const start = Date.now();
  try {
    const res = await fetch(`${host.url}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
    return { ...body, ms: Date.now() - start, hung: false, status: res.status };
  } catch (err) {
    const hung = (err as Error).name === 'TimeoutError';
    return { ok: false, error: { code: hung ? 'HUNG' : 'TRANSPORT', message: String(err) }, ms: Date.now() - start, hung, status: 0 };
  }
}
