// The core logs to a rotating file in the data folder (electron/core/log/log-file.ts): its own
// lines land there, the file is rotated at its size limit (keeping `keep` old files, losing no
// line), and passwords in URLs are redacted in the file, with a real Redis.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/create-core';
import { createLogger } from '../../electron/core/log/logger';
import { logFilePath, openLogFile } from '../../electron/core/log/log-file';
import { startTestRedis, type TestRedis } from '../helpers/redis';

let redis: TestRedis;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  cleanups.push(() => redis.stop());
});
afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function coreLoggingTo(options: { maxBytes: number; keep: number; redisUrl?: string }): Promise<{ core: Core; path: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-log-file-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const file = openLogFile({ path: logFilePath(dataDir, 'desktop'), maxBytes: options.maxBytes, keep: options.keep });
  const core = await createCore({ shell: 'desktop', redisUrl: options.redisUrl ?? redis.url, dataDir, log: createLogger({ level: 'info', stderr: false, file }) });
  cleanups.push(() => core.close());
  await core.ready;
  return { core, path: file.path };
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

describe('the core\'s log file', () => {
  it('gets the core\'s lines in the data folder, with passwords in URLs redacted', async () => {
    const { core, path } = await coreLoggingTo({ maxBytes: 1024 * 1024, keep: 2 });
    expect(path).toMatch(/logs[/\\]desktop\.log$/);
    // An unknown method's name is logged as sent: here it carries a password.
    const answer = await core.dispatch('redis://alice:hunter2@10.0.0.1:6379/0', {});
    expect(answer.ok).toBe(false);
    const text = read(path);
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\S+Z warn: refused call .*"code":"UNKNOWN_METHOD"/m);
    expect(text).toContain('redis://alice:***@10.0.0.1:6379');
    expect(text).not.toContain('hunter2');
  });

  it('a connection refused for its password is logged without it', async () => {
    const url = new URL(redis.url);
    const { core, path } = await coreLoggingTo({ maxBytes: 1024 * 1024, keep: 2, redisUrl: `redis://alice:hunter2@${url.host}` });
    expect(core.status().state).not.toBe('connected');
    expect(core.status().target).toContain('alice:***@');
    // Redis refuses the password: the call fails and is logged, the password is not.
    expect((await core.dispatch('listQueues', {})).ok).toBe(false);
    const text = read(path);
    expect(text).toMatch(/ error: call failed \{"method":"listQueues","message":"WRONGPASS/);
    expect(text).not.toContain('hunter2');
  });

  it('is rotated at its size limit: no file over it, `keep` old files, every line kept in order', async () => {
    const maxBytes = 2048;
    const { core, path } = await coreLoggingTo({ maxBytes, keep: 2 });
    const sent: string[] = [];
    for (let i = 0; !existsSync(`${path}.2`) && i < 500; i++) {
      const name = `no-such-method-${String(i).padStart(4, '0')}`;
      sent.push(name);
      await core.dispatch(name, {});
    }
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    // Two more rotations' worth: the oldest files are dropped, never a third one kept.
    const firstKept = sent.length;
    for (let i = 0; i < 60; i++) {
      const name = `no-such-method-b${String(i).padStart(3, '0')}`;
      sent.push(name);
      await core.dispatch(name, {});
    }
    expect(existsSync(`${path}.3`)).toBe(false);
    for (const file of [path, `${path}.1`, `${path}.2`]) expect(statSync(file).size).toBeLessThanOrEqual(maxBytes);
    const names = [`${path}.2`, `${path}.1`, path]
      .map(read)
      .join('')
      .split('\n')
      .map((line) => /"method":"(no-such-method-[^"]+)"/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined);
    // What is kept is the newest lines, consecutive, ending with the last one sent.
    expect(names.length).toBeGreaterThan(20);
    expect(names).toEqual(sent.slice(sent.length - names.length));
    expect(sent.length - names.length).toBeGreaterThan(firstKept / 2);
  });
});

describe('flowscope serve logs to logs/serve.log too', () => {
  it('writes the host\'s and the core\'s lines to the data folder at --log-level', async () => {
    const { runFlowscope } = await import('../helpers/cli-io');
    const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-serve-log-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let firstLine = '';
    let printed!: () => void;
    const served = new Promise<void>((resolve) => (printed = resolve));
    const run = await runFlowscope(
      ['serve', '--json', '--redis', redis.url, '--data-dir', dataDir, '--log-level', 'info'],
      {},
      async () => {
        await served;
        // A call the host refuses is logged at warn with the method it named.
        const { url } = JSON.parse(firstLine) as { url: string };
        const { origin, searchParams } = new URL(url);
        const answer = await fetch(`${origin}/api/noSuchMethod?token=${searchParams.get('token')}`, { method: 'POST', body: '{}' });
        expect(answer.status).toBeGreaterThanOrEqual(400);
      },
      (text) => {
        firstLine ||= text.split('\n')[0]!;
        printed();
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const log = read(logFilePath(dataDir, 'serve'));
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT.* warn: refused call .*noSuchMethod/m);
  });
});
