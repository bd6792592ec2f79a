// The repair actions at scale, side by side with the naive loop of BullMQ calls on identical
// flows, on the same throwaway Redis:
//   retry 5,000 failed children of a 10,000-child parent: retryFailedChildren (guarded batches,
//     parent reopened) vs Job.fromId + job.retry() per failed child (which never reopens the
//     parent, so nothing aggregates the retried results);
//   remove 5,000 unprocessed children: removeUnprocessed vs queue.remove() per child.
// Targets (issue 13): the retry's own time <= 250 ms and >= 5x the naive loop; the removal >= 5x
// its loop; no Flowscope script runs longer than 50 ms (SLOWLOG, read here); previews cost about
// what runs cost. An action cannot be repeated on the same flow, so each run gets a fresh,
// identical flow (all flows of one action share their queues, as flows in production do); the
// figure is the median of RUNS runs, the naive loop runs once (its cost is per job, steady).
import { FlowProducer, Job, Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { previewRemoveUnprocessed, previewRetryFailedChildren, removeUnprocessed, retryFailedChildren } from '../../electron/core/actions';
import type { RedisClient } from '../../electron/core/connection/redis-client';
import { waitUntil } from '../helpers/flows';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ms, ratio, report, type BenchResult } from './measure';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

const CHILDREN = 10_000;
const RUNS = 3;
const SLOW_US = 50_000;
/** While one of our actions runs, every command slower than this is logged, to find the longest script. */
const PROFILE_US = 1_000;

interface SlowEntry {
  us: number;
  command: string;
}

type Stats = { ms: number; roundTrips: number } | undefined;
const statsOf = (result: unknown): Stats => (result as { stats?: Stats }).stats;

async function slowlog(client: RedisClient): Promise<SlowEntry[]> {
  const entries = (await client.call('SLOWLOG', 'GET', '100000')) as [number, number, number, string[]][];
  return entries.map(([, , us, args]) => ({ us, command: `${args[0]} ${(args[1] ?? '').slice(0, 12)}`.trim() }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

it('retries 5,000 failed children and removes 5,000 unprocessed ones, against the naive loops', async () => {
  const { connection, prefix } = redis;
  const client = redis.client();
  const admin = redis.client();
  // CONFIG only on the bench's own throwaway redis-server, never on a server REDIS_URL names.
  const ownRedis = !process.env.REDIS_URL;
  const slowOver50: SlowEntry[] = [];
  const setSlowlog = async (us: number) => {
    if (!ownRedis) return;
    slowOver50.push(...(await slowlog(admin)).filter((e) => e.us >= SLOW_US));
    await admin.call('CONFIG', 'SET', 'slowlog-log-slower-than', String(us));
    await admin.call('SLOWLOG', 'RESET');
  };
  if (ownRedis) await admin.call('CONFIG', 'SET', 'slowlog-max-len', '100000');
  await setSlowlog(SLOW_US);

  /** Times one of our calls; while it runs, SLOWLOG catches every command over PROFILE_US. */
  const timed = async <T>(fn: () => Promise<T>) => {
    await setSlowlog(PROFILE_US);
    const started = performance.now();
    const value = await fn();
    const elapsed = performance.now() - started;
    const slow = ownRedis ? await slowlog(admin) : [];
    await setSlowlog(SLOW_US); // keeps what of `slow` ran 50 ms or longer
    return { value, ms: elapsed, longestUs: slow.reduce((max, e) => Math.max(max, e.us), 0), over1ms: slow.length };
  };

  const producer = new FlowProducer({ connection, prefix });
  const items = new Queue('ba-items', { connection, prefix });
  const parentsQueue = new Queue('ba-parents', { connection, prefix });
  const result: BenchResult = { name: 'actions', rows: [], notes: [] };

  // Identical fan-outs whose even children fail (ignore policy), processed by real workers.
  const fanOut = async (name: string) =>
    (await producer.add({
      name,
      queueName: 'ba-parents',
      children: Array.from({ length: CHILDREN }, (_, n) => ({
        name: 'item',
        queueName: 'ba-items',
        data: { n, fail: n % 2 === 0 },
        opts: { attempts: 1, ignoreDependencyOnFailure: true },
      })),
    })).job.id!;
  const ours: string[] = [];
  for (let i = 0; i < RUNS; i++) ours.push(await fanOut(`ours-${i}`));
  const naive = await fanOut('naive');
  const worker = new Worker('ba-items', async (job) => {
    if (job.data.fail) throw new Error('broken');
    return job.data.n;
  }, { connection, prefix, concurrency: 500 });
  const parents = new Worker('ba-parents', async () => 'done', { connection, prefix });
  await waitUntil(async () => (await items.getFailedCount()) === (CHILDREN / 2) * (RUNS + 1), 600_000, 250);
  await waitUntil(async () => (await parentsQueue.getCompletedCount()) === RUNS + 1, 60_000, 100);
  await worker.close();
  await parents.close();

  const retryRuns: { preview: number; run: number; stats: Stats; previewStats: Stats; longestUs: number; over1ms: number }[] = [];
  for (const id of ours) {
    const key = `${prefix}:ba-parents:${id}`;
    const preview = await timed(() => previewRetryFailedChildren(client, prefix, key));
    const run = await timed(() => retryFailedChildren(client, prefix, key));
    expect(run.value.retried).toHaveLength(CHILDREN / 2);
    expect(run.value.reopened).toEqual([key]);
    expect(preview.value.retried).toHaveLength(CHILDREN / 2);
    retryRuns.push({
      preview: preview.ms,
      run: run.ms,
      stats: statsOf(run.value),
      previewStats: statsOf(preview.value),
      longestUs: Math.max(preview.longestUs, run.longestUs),
      over1ms: run.over1ms,
    });
  }

  const failedKeys = await client.hkeys(`${prefix}:ba-parents:${naive}:failed`);
  let started = performance.now();
  for (const key of failedKeys) {
    const job = await Job.fromId(items, key.slice(key.lastIndexOf(':') + 1));
    await job!.retry('failed');
  }
  const naiveMs = performance.now() - started;
  const retryMs = median(retryRuns.map((r) => r.run));
  const retryPreviewMs = median(retryRuns.map((r) => r.preview));
  const retryLongest = Math.max(...retryRuns.map((r) => r.longestUs));
  const trips = (s: Stats) => (s ? String(s.roundTrips) : 'n/a');
  result.rows.push({
    case: 'retry 5,000 failed children of a 10,000-child parent (naive: Job.fromId + job.retry() per child)',
    figures: {
      Flowscope: ms(retryMs),
      preview: ms(retryPreviewMs),
      'naive BullMQ loop': ms(naiveMs),
      speed_up: ratio(naiveMs, retryMs),
      'round trips (run / preview)': `${trips(retryRuns[0]!.stats)} / ${trips(retryRuns[0]!.previewStats)}`,
      'longest script': ms(retryLongest / 1000),
      target: `<= 250 ms: ${retryMs <= 250 ? 'met' : 'missed'}; >= 5x: ${naiveMs / retryMs >= 5 ? 'met' : 'missed'}`,
    },
  });

  // Removal: parents with 5,000 waiting children each, no workers.
  const waitingFanOut = async (name: string) =>
    (await producer.add({
      name,
      queueName: 'br-parents',
      children: Array.from({ length: CHILDREN / 2 }, (_, n) => ({ name: 'upload', queueName: 'br-items', data: { n } })),
    })).job.id!;
  const removeOurs: string[] = [];
  for (let i = 0; i < RUNS; i++) removeOurs.push(await waitingFanOut(`ours-${i}`));
  const removeNaive = await waitingFanOut('naive');
  const removeRuns: { preview: number; run: number; stats: Stats; previewStats: Stats; longestUs: number }[] = [];
  for (const id of removeOurs) {
    const key = `${prefix}:br-parents:${id}`;
    const preview = await timed(() => previewRemoveUnprocessed(client, prefix, key));
    const run = await timed(() => removeUnprocessed(client, prefix, key));
    expect(run.value.removed).toHaveLength(CHILDREN / 2);
    expect(preview.value.removed).toHaveLength(CHILDREN / 2);
    removeRuns.push({
      preview: preview.ms,
      run: run.ms,
      stats: statsOf(run.value),
      previewStats: statsOf(preview.value),
      longestUs: Math.max(preview.longestUs, run.longestUs),
    });
  }

  const brItems = new Queue('br-items', { connection, prefix });
  const deps = await client.smembers(`${prefix}:br-parents:${removeNaive}:dependencies`);
  started = performance.now();
  for (const key of deps) await brItems.remove(key.slice(key.lastIndexOf(':') + 1));
  const removeNaiveMs = performance.now() - started;
  const removeMs = median(removeRuns.map((r) => r.run));
  result.rows.push({
    case: 'remove 5,000 unprocessed children (naive: queue.remove() per child)',
    figures: {
      Flowscope: ms(removeMs),
      preview: ms(median(removeRuns.map((r) => r.preview))),
      'naive BullMQ loop': ms(removeNaiveMs),
      speed_up: ratio(removeNaiveMs, removeMs),
      'round trips (run / preview)': `${trips(removeRuns[0]!.stats)} / ${trips(removeRuns[0]!.previewStats)}`,
      'longest script': ms(Math.max(...removeRuns.map((r) => r.longestUs)) / 1000),
      target: `>= 5x: ${removeNaiveMs / removeMs >= 5 ? 'met' : 'missed'}`,
    },
  });

  await setSlowlog(SLOW_US);
  const fmt = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
  result.notes.push(
    `Flowscope = median of ${RUNS} runs, each on a fresh identical flow (an action cannot be repeated on the same flow); the naive loop ran once. ` +
      `Retry runs (ms): ${fmt(retryRuns.map((r) => r.run))}, previews ${fmt(retryRuns.map((r) => r.preview))}; ` +
      `removal runs: ${fmt(removeRuns.map((r) => r.run))}, previews ${fmt(removeRuns.map((r) => r.preview))}. ` +
      `All flows of one action share their queues: when the first retry ran, ba-items held ${(CHILDREN / 2) * (RUNS + 1)} failed jobs.`,
    'The naive retry loop also leaves its parent completed: nothing aggregates the retried results. Flowscope reopens the parent first.',
    ownRedis
      ? `SLOWLOG (slowlog-log-slower-than ${SLOW_US} µs, the whole bench, BullMQ's own calls included): ${
          slowOver50.length === 0 ? 'empty, no command ran 50 ms or longer' : slowOver50.map((e) => `${e.command} ${(e.us / 1000).toFixed(1)} ms`).join('; ')
        }. Longest script = the slowest command SLOWLOG saw (threshold ${PROFILE_US} µs) while a Flowscope preview or run was going on.`
      : 'SLOWLOG not read: REDIS_URL names a server this bench did not start.',
  );
  report(result);
  await Promise.all([producer.close(), items.close(), parentsQueue.close(), brItems.close()]);
});
