// The CLI's global options, exit codes and JSON output against a real Redis.
import { FlowProducer, Queue } from 'bullmq';
import type { FlowTree } from '../../shared/domain';
import { BullmqOracle, JobOutcomes, loaderView, startWorker } from '../helpers/flows';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../electron/core/connection/free-port';
import { runFlowscope } from '../helpers/cli-io';
import { testRedisForFile } from '../helpers/redis-per-file';
import { CHILD_POLICIES, policyOpts } from '../helpers/child-policies';

const redis = testRedisForFile();
beforeAll(async () => {
  const queue = new Queue('cli-queue', { connection: redis.connection, prefix: redis.prefix });
  await queue.add('a', {});
  await queue.add('b', {}, { delay: 10_000 });
  await queue.close();
});

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

  it('takes the prefix from $FLOWSCOPE_PREFIX when --prefix is not given (docs/CONFIGURATION.md)', async () => {
    const run = await runFlowscope(['queues', '--json'], { REDIS_URL: redis.url, FLOWSCOPE_PREFIX: redis.prefix });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ name: 'cli-queue' })]);
    const bad = await runFlowscope(['queues'], { REDIS_URL: redis.url, FLOWSCOPE_PREFIX: 'a b' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/FLOWSCOPE_PREFIX must be a prefix without spaces/);
  });

  it('says which queues refuse actions and why', async () => {
    const client = redis.client();
    await client.hset(`${redis.prefix}:pro-queue:meta`, 'version', 'bullmq-pro:7.1.0');
    const run = await runFlowscope(['--prefix', redis.prefix, 'queues'], { REDIS_URL: redis.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^pro-queue\s.*bullmq-pro:7\.1\.0\s+off$/m);
    expect(run.stdout).toMatch(/^cli-queue\s.*\syes$/m);
    expect(run.stdout).toMatch(/^actions off on pro-queue: .*5\.56/m);
    await client.del(`${redis.prefix}:pro-queue:meta`);
  });

  it('says so when the prefix holds no queue', async () => {
    const run = await runFlowscope(['queues', '--redis', redis.url, '--prefix', `${redis.prefix}-none`]);
    expect(run).toMatchObject({ code: 0, stdout: 'No queues found under this prefix.\n' });
  });
});

describe('usage errors exit 2 and change nothing', () => {
  it.each([
    [['frobnicate'], /unknown command/],
    [['queues', '--redis', 'http://127.0.0.1'], /Unknown scheme http:\/\/\. Use one of: redis:\/\//],
    [['queues', '--redis', 'not a url'], /Not a Redis URL/],
    [['queues', '--redis', 'redis+sentinel://127.0.0.1:26379'], /names its master/],
    [['queues', '--redis', 'redis+cluster://127.0.0.1:7000/2'], /only database 0/],
    [['queues', '--prefix', ''], /non-empty prefix/],
    [['serve', '--port', '70000'], /0 to 65535/],
    [['queues', '--bogus'], /unknown option/],
    [['queues', '--log-level', 'loud'], /Allowed choices are info, warn, error/],
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

describe('flowscope tree --json', () => {
  it('agrees with BullMQ node for node on a flow of each failure policy', async () => {
    const { connection } = redis;
    const prefix = `${redis.prefix}t`;
    const flows = new FlowProducer({ connection, prefix });
    const outcomes = new JobOutcomes();
    const workers = ['cli-parents', 'cli-kids'].map((q) => startWorker(outcomes, connection, prefix, q));
    const expected: Record<string, 'completed' | 'failed'> = {};
    const roots: Record<string, string> = {};
    for (const policy of CHILD_POLICIES) {
      const opts = policyOpts(policy);
      const { job, children } = await flows.add({
        name: `parent-${policy}`,
        queueName: 'cli-parents',
        children: [
          { name: 'ok', queueName: 'cli-kids', data: { result: 1 } },
          { name: 'bad', queueName: 'cli-kids', data: { fail: `${policy} child failed` }, opts },
        ],
      });
      roots[policy] = job.id!;
      expected[`${prefix}:cli-kids:${children![1]!.job.id}`] = 'failed';
      if (policy === 'fail-parent') expected[`${prefix}:cli-parents:${job.id}`] = 'failed';
      else if (policy !== 'none') expected[`${prefix}:cli-parents:${job.id}`] = 'completed';
    }
    await outcomes.until(expected);
    await Promise.all(workers.map((w) => w.close()));

    const oracle = new BullmqOracle(connection);
    for (const [policy, id] of Object.entries(roots)) {
      const run = await runFlowscope(['tree', 'cli-parents', id, '--json', '--redis', redis.url, '--prefix', prefix]);
      expect(run.code, run.stderr).toBe(0);
      const tree = JSON.parse(run.stdout) as FlowTree;
      expect(tree.root).toBe(`${prefix}:cli-parents:${id}`);
      expect(tree.stats.roundTrips).toBeGreaterThan(0);
      expect(loaderView(tree), `policy ${policy}`).toEqual(await oracle.walk(tree.root));
      const bad = tree.nodes.find((n) => n.name === 'bad');
      if (policy === 'remove') expect(bad).toBeUndefined();
      else expect(bad!.policy).toBe(policy);
    }
    await oracle.close();
    await flows.close();
  });

  it('says a missing job is not found (exit 1) and refuses a bad depth (exit 2)', async () => {
    const missing = await runFlowscope(['tree', 'cli-queue', 'no-such-id', '--redis', redis.url, '--prefix', redis.prefix]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No job no-such-id in queue cli-queue/);
    const bad = await runFlowscope(['tree', 'cli-queue', '1', '--depth', '-1']);
    expect(bad.code).toBe(2);
  });

  it('says when the queue itself does not exist under the prefix', async () => {
    const typo = await runFlowscope(['tree', 'cli-queu', '1', '--redis', redis.url, '--prefix', redis.prefix]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(`error: No queue cli-queu under prefix ${redis.prefix} (so no job 1 in it)\n`);
    const otherPrefix = await runFlowscope(['tree', 'cli-queue', '1', '--redis', redis.url, '--prefix', `${redis.prefix}-other`]);
    expect(otherPrefix.stderr).toMatch(/^error: No queue cli-queue under prefix .*-other /);
  });

  it('prints an error once: no internal log line of the failed call before it', async () => {
    // The core's logger used to write "[flowscope] warn: call failed {json}" straight to the
    // process's stderr, ahead of the CLI's own "error: …".
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const missing = await runFlowscope(['tree', 'cli-queue', 'no-such-id', '--redis', redis.url, '--prefix', redis.prefix]);
      const refused = await runFlowscope(['retry-job', 'cli-queue', 'no-such-id', '--redis', redis.url, '--prefix', redis.prefix]);
      expect(missing.stderr).toBe(`error: No job no-such-id in queue cli-queue (prefix ${redis.prefix})\n`);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: No job .*no-such-id\.\n$/);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).not.toContain('[flowscope]');
  });
});

describe('flowscope flows --search', () => {
  it('finds a child by a cut short id with its flow root, and says what it searched when nothing matches', async () => {
    const prefix = `${redis.prefix}s`;
    const flows = new FlowProducer({ connection: redis.connection, prefix });
    const { job, children } = await flows.add({
      name: 'nightly',
      queueName: 'cli-s-reports',
      children: [{ name: 'fetch', queueName: 'cli-s-fetch', opts: { jobId: '3f34ce14-0000-4000-8000-00000000abcd' } }],
    });
    await flows.close();
    const base = ['flows', '--redis', redis.url, '--prefix', prefix];
    const hit = await runFlowscope([...base, '--search', '3F34CE14…']);
    expect(hit.code, hit.stderr).toBe(0);
    expect(hit.stdout).toMatch(/flow root$/m);
    expect(hit.stdout).toContain(`cli-s-fetch:${children![0]!.job.id} (child)`);
    expect(hit.stdout).toMatch(new RegExp(`cli-s-reports:${job.id}$`, 'm'));
    const miss = await runFlowscope([...base, '--search', 'ffffffff']);
    expect(miss).toMatchObject({ code: 0, stdout: `No job matching "ffffffff" in 2 queues under prefix ${prefix}.\n` });
  });
});

describe('flowscope tree (human output)', () => {
  it('lists children in creation order, then by name and id, the same on every run, with cut reasons ending in "…"', async () => {
    const { connection } = redis;
    const prefix = `${redis.prefix}o`;
    const flows = new FlowProducer({ connection, prefix });
    const t = Date.UTC(2025, 0, 1);
    const long = `upstream said no: ${'x'.repeat(200)}`;
    const { job } = await flows.add({
      name: 'report',
      queueName: 'cli-order',
      children: [
        { name: 'late', queueName: 'cli-order-kids', opts: { timestamp: t + 2 } },
        { name: 'step-10', queueName: 'cli-order-kids', opts: { timestamp: t + 1 } },
        { name: 'early', queueName: 'cli-order-kids', data: { fail: long }, opts: { timestamp: t } },
        { name: 'step-2', queueName: 'cli-order-kids', opts: { timestamp: t + 1 } },
        { name: 'multi', queueName: 'cli-order-kids', data: { fail: 'first line\nsecond line' }, opts: { timestamp: t + 3 } },
      ],
    });
    await flows.close();
    const outcomes = new JobOutcomes();
    const worker = startWorker(outcomes, connection, prefix, 'cli-order-kids');
    await new Promise<void>((resolve) => {
      let failed = 0;
      worker.on('failed', () => ++failed === 2 && resolve());
    });
    await worker.close();

    const args = ['tree', 'cli-order', job.id!, '--redis', redis.url, '--prefix', prefix];
    const runs = await Promise.all([runFlowscope(args), runFlowscope(args), runFlowscope(args)]);
    const names = (out: string) => [...out.matchAll(/^[├└]─ (\S+) /gm)].map((m) => m[1]);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(names(run.stdout)).toEqual(['early', 'step-2', 'step-10', 'late', 'multi']);
    }
    const early = runs[0]!.stdout.split('\n').find((l) => l.includes(' early '))!;
    expect(early).toMatch(/— upstream said no: x+…$/);
    expect(early.slice(early.lastIndexOf('— ') + 2)).toHaveLength(120);
    expect(runs[0]!.stdout).toMatch(/— first line…$/m);

    const json = await runFlowscope([...args, '--json']);
    const tree = JSON.parse(json.stdout) as FlowTree;
    expect(tree.nodes.map((n) => n.name)).toEqual(['report', 'early', 'step-2', 'step-10', 'late', 'multi']);
  });
});
