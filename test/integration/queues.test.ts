// Queue discovery against a real Redis with real BullMQ queues.
import { FlowProducer, Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { discoverQueues } from '../../electron/core/queues/discover-queues';
import { BULLMQ_5 } from '../helpers/bullmq-versions';
import { testRedisForFile } from '../helpers/redis-per-file';

const redis = testRedisForFile();

describe('discoverQueues', () => {
  it('finds BullMQ queues, names with ":" included, with counts per state and the meta version', async () => {
    const prefix = `${redis.prefix}a`;
    const emails = new Queue('emails', { connection: redis.connection, prefix });
    // BullMQ 6 refuses ':' in new queue names, but queues made by older versions have them.
    const client = redis.client();
    await client.hset(`${prefix}:billing:invoices:meta`, 'version', 'bullmq:5.1.0');
    await client.rpush(`${prefix}:billing:invoices:wait`, '1', '2');
    await emails.add('welcome', {});
    await emails.add('later', {}, { delay: 60_000 });
    await emails.add('urgent', {}, { priority: 3 });
    const flows = new FlowProducer({ connection: redis.connection, prefix });
    await flows.add({ name: 'parent', queueName: 'emails', children: [{ name: 'child', queueName: 'emails' }] });

    const queues = await discoverQueues(client, prefix);
    expect(queues.map((q) => q.name)).toEqual(['billing:invoices', 'emails']);
    const [invoices, mail] = queues;
    expect(mail).toMatchObject({
      key: `${prefix}:emails`,
      counts: { waiting: 2, delayed: 1, prioritized: 1, 'waiting-children': 1, active: 0, completed: 0, failed: 0 },
      paused: false,
    });
    expect(mail!.version).toMatch(/^bullmq:\d+\.\d+\.\d+/);
    expect(invoices).toMatchObject({ key: `${prefix}:billing:invoices`, version: 'bullmq:5.1.0' });
    // The actions' verdict per queue: BullMQ 6 allowed, a BullMQ 5 below 5.56 refused with why.
    expect(mail!.compat).toEqual({ ok: true, layout: 6, basis: 'version' });
    expect(invoices!.compat).toMatchObject({ ok: false, basis: 'version' });
    expect(invoices!.compat.reason).toMatch(/BullMQ 5\.1\.0; .*tested with BullMQ 5\.56–5\.x and 6\.x/);
    expect(invoices!.counts.waiting).toBe(2);

    // What BullMQ itself counts agrees with discovery.
    const own = await emails.getJobCounts('waiting', 'delayed', 'prioritized', 'waiting-children');
    expect(own).toEqual({ waiting: 2, delayed: 1, prioritized: 1, 'waiting-children': 1 });
    await Promise.all([emails.close(), flows.close()]);
  });

  it('reports a paused queue and finds a queue known only by its id counter', async () => {
    const prefix = `${redis.prefix}b`;
    const q = new Queue('reports', { connection: redis.connection, prefix });
    await q.add('r', {});
    await q.pause();
    const client = redis.client();
    await client.set(`${prefix}:legacy:id`, '12');
    const queues = await discoverQueues(client, prefix);
    expect(queues.map((x) => x.name)).toEqual(['legacy', 'reports']);
    const reports = queues.find((x) => x.name === 'reports')!;
    expect(reports.paused).toBe(true);
    expect(reports.counts.waiting + reports.counts.paused).toBe(1);
    expect(queues.find((x) => x.name === 'legacy')!.version).toBeNull();
    expect(queues.find((x) => x.name === 'legacy')!.compat).toEqual({ ok: true, layout: null, basis: 'keys' });
    await q.close();
  });

  it('reports a paused BullMQ 5 queue (its jobs in P:Q:paused) as layout 5, with or without its version', async () => {
    const prefix = `${redis.prefix}v5`;
    const q = new BULLMQ_5.bullmq.Queue('reports', { connection: redis.connection, prefix });
    await q.add('r', {});
    await q.pause();
    await q.add('s', {});
    const client = redis.client();
    const [reports] = await discoverQueues(client, prefix);
    expect(reports).toMatchObject({ version: `bullmq:${BULLMQ_5.version}`, paused: true, compat: { ok: true, layout: 5, basis: 'version' } });
    expect(reports!.counts).toMatchObject({ waiting: 0, paused: 2 });
    // BullMQ 5's own counts agree ('paused' is a count type of 5, not of 6's types the helpers use).
    expect(await q.getJobCounts(...(['waiting', 'paused'] as Parameters<typeof q.getJobCounts>))).toEqual({ waiting: 0, paused: 2 });
    await client.hdel(`${prefix}:reports:meta`, 'version');
    expect((await discoverQueues(client, prefix))[0]!.compat).toEqual({ ok: true, layout: 5, basis: 'keys' });
    await q.close();
  });

  it('matches a prefix with glob characters literally and ignores other prefixes', async () => {
    const prefix = `{${redis.prefix}*}`;
    const client = redis.client();
    await client.hset(`${prefix}:mine:meta`, 'version', 'bullmq:6.7.0');
    await client.hset(`{${redis.prefix}x}:theirs:meta`, 'version', 'bullmq:6.7.0');
    const queues = await discoverQueues(client, prefix);
    expect(queues.map((x) => x.name)).toEqual(['mine']);
  });

  it('returns an empty list when nothing lives under the prefix', async () => {
    expect(await discoverQueues(redis.client(), `${redis.prefix}-empty`)).toEqual([]);
  });
});
