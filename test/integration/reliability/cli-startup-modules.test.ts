// What the real CLI loads before it answers (issue 13 item 4): built from the sources into a
// throwaway folder and run by node as bin.js runs it, with a loader hook recording every module
// it resolves. `--version` and `--help` load no package (commander is bundled into cli.js) and
// none of the core; a read command loads ioredis but not BullMQ (that comes only with workers
// and scenarios).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliForFile } from '../../helpers/built-cli';

const root = resolve(import.meta.dirname, '../../..');
const recorder = join(root, 'test/helpers/module-log/register.mjs');
const cli = builtCliForFile();
const { redis } = cli;

interface Run {
  code: number | null;
  stdout: string;
  /** Packages under node_modules and chunks of the build the process resolved. */
  packages: Set<string>;
  chunks: string[];
}

async function runRecorded(args: string[]): Promise<Run> {
  const log = join(cli.dataDir, `modules-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const child = spawn(process.execPath, ['--import', recorder, cli.run, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FLOWSCOPE_MODULE_LOG: log, REDIS_URL: '', FLOWSCOPE_DATA_DIR: cli.dataDir },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const packages = new Set<string>();
  const chunks: string[] = [];
  const outUrl = new URL(`file://${cli.outDir}/`).href;
  for (const url of urls) {
    if (url.startsWith(outUrl)) chunks.push(url.slice(outUrl.length));
    else {
      const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
      if (pkg) packages.add(pkg);
    }
  }
  return { code, stdout, packages, chunks };
}

describe('what the CLI loads before it answers', () => {
  it('--version: prints the version having loaded no package (commander is bundled) and no core chunk', async () => {
    const run = await runRecorded(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect([...run.packages]).toEqual([]);
    expect(run.chunks).toEqual(['run.mjs', 'cli.js']);
  });

  it('--help: lists the commands having loaded no package and no core chunk', async () => {
    const run = await runRecorded(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('retry-failed-children');
    expect([...run.packages]).toEqual([]);
    expect(run.chunks).toEqual(['run.mjs', 'cli.js']);
  });

  it('a command help (flows --help) loads no Redis client either', async () => {
    const run = await runRecorded(['flows', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--search');
    expect([...run.packages]).toEqual([]);
  });

  it('queues and flows: load ioredis (the recorder sees it) but not BullMQ, ws or the scenarios', async () => {
    for (const command of ['queues', 'flows']) {
      const run = await runRecorded(['--redis', redis.url, '--prefix', redis.prefix, '--json', command]);
      expect(run.code, command).toBe(0);
      expect(run.packages.has('ioredis'), command).toBe(true);
      expect(run.packages.has('bullmq'), command).toBe(false);
      expect(run.packages.has('ws'), command).toBe(false);
      expect(run.chunks.some((c) => c.startsWith('scenario-service')), command).toBe(false);
    }
  });
});
