// The CLI's global options, exit codes and JSON output against a real Redis.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../electron/core/connection/free-port';
import { runFlowscope } from '../helpers/cli-io';
import { startTestRedis, type TestRedis } from '../helpers/redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
  const queue = new Queue('cli-queue', { connection: redis.connection, prefix: redis.prefix });
  await queue.add('a', {});
  await queue.add('b', {}, { delay: 10_000 });
  await queue.close();
});
afterAll(async () => redis.stop());

describe('flowscope queues', () => {
  it('prints JSON only on stdout with --json', async () => {
    const run = await runFlowscope(['queues', '--json', '--redis', redis.url, '--prefix', redis.prefix]);
    expect(run.code).toBe(0);
    const queues = JSON.parse(run.stdout);
    expect(queues).toEqual([expect.objectContaining({ name: 'cli-queue', key: `${redis.prefix}:cli-queue`, counts: expect.objectContaining({ waiting: 1, delayed: 1 }) })]);
  });

  it('takes the Redis URL from $REDIS_URL and prints a table', async () => {
    const run = await runFlowscope(['--prefix', redis.prefix, 'queues'], { REDIS_URL: redis.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^queue\s+waiting\s+active/m);
    expect(run.stdout).toMatch(/^cli-queue\s+1\s+0\s+1\s/m);
  });

  it('says so when the prefix holds no queue', async () => {
    const run = await runFlowscope(['queues', '--redis', redis.url, '--prefix', `${redis.prefix}-none`]);
    expect(run).toMatchObject({ code: 0, stdout: 'No queues found under this prefix.\n' });
  });
});

describe('usage errors exit 2 and change nothing', () => {
  it.each([
    [['frobnicate'], /unknown command/],
    [['queues', '--redis', 'http://127.0.0.1'], /redis:\/\/ or rediss:\/\//],
    [['queues', '--redis', 'not a url'], /must be a URL/],
    [['queues', '--prefix', ''], /non-empty prefix/],
    [['serve', '--port', '70000'], /0 to 65535/],
    [['queues', '--bogus'], /unknown option/],
  ])('flowscope %j', async (args, message) => {
    const run = await runFlowscope(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});

describe('failures exit 1 with a message on stderr', () => {
  it('reports an unreachable Redis', async () => {
    const port = await freePort();
    const run = await runFlowscope(['queues', '--json', '--redis', `redis://:secret@127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Cannot reach Redis/);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toContain('secret');
  });
});

describe('help and version', () => {
  it('print to stdout and exit 0', async () => {
    const help = await runFlowscope(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: flowscope/);
    const version = await runFlowscope(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
