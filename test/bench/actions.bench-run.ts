// The repair actions at scale, side by side with the naive loop of BullMQ calls on identical
// flows, on the same throwaway Redis:
//   retry 5,000 failed children of a 10,000-child parent: retryFailedChildren (guarded batches,
//     parent reopened) vs Job.fromId + job.retry() per failed child (which never reopens the
//     parent, so nothing aggregates the retried results);
//   remove 5,000 unprocessed children: removeUnprocessed vs queue.remove() per child.
// Targets (issue 13): the retry's own time <= 250 ms and >= 5x the naive loop; the removal >= 5x
// its loop; no Flowscope script runs 50 ms or longer (SLOWLOG, read here); previews cost about
// what runs cost. An action cannot be repeated on the same flow, so each run gets a fresh,
// identical flow with queues of its own; each figure (Flowscope's and the naive loop's) is the
// median of RUNS runs. One more run of each action has its queue shared
// with 15,000 other jobs (failed ones for the retry: the remove-policy search reads every job
// that failed while the flow existed; waiting ones for the removal: its list pass), to show
// what that costs. The Flowscope calls get the queue list from a queue registry, as the core's
// dispatcher passes its own (queues/queue-registry.ts): the remove-policy search then scans no
// keys. Last, a retry of 20,000 failed children with the event loop's longest stall measured
// (perf_hooks.monitorEventLoopDelay) while it is previewed and while it runs.
import { FlowProducer, Job, Queue, Worker } from 'bullmq';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { previewRemoveUnprocessed, previewRetryFailedChildren, removeUnprocessed, retryFailedChildren } from '../../electron/core/actions';
import { FIND_REMOVED_FAILURES } from '../../electron/core/actions/find-failed-children';
import { READ_LOCKS } from '../../electron/core/actions/read-subtree';
import { LEAF_CHILDREN, REMOVE_LEAVES, REMOVE_UNPROCESSED } from '../../electron/core/actions/remove-unprocessed';
import { RETRY_FAILED_CHILDREN } from '../../electron/core/actions/retry-failed-children';
import type { RedisClient } from '../../electron/core/connection/redis-client';
import { createQueueRegistry } from '../../electron/core/queues/queue-registry';
import { ANCESTORS } from '../../electron/core/tree/ancestors';
import { CHILDREN_PAGE } from '../../electron/core/tree/children-page';
import { JOB_STATES_SCRIPT, LOAD_LEVEL } from '../../electron/core/tree/load-level';
import { buildCli, type BuiltCli } from '../helpers/built-cli';
import { waitUntil } from '../helpers/flows';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ms, ratio, report, type BenchResult } from './measure';

let redis: TestRedis;
/** The CLI built from the sources, for the whole-command row; its data folder. */
let cli: BuiltCli;
let cliData: string;
beforeAll(async () => {
  redis = await startTestRedis();
  cli = await buildCli();
  cliData = mkdtempSync(join(tmpdir(), 'flowscope-bench-cli-'));
}, 120_000);
afterAll(async () => {
  cli?.remove();
  if (cliData) rmSync(cliData, { recursive: true, force: true });
  await redis.stop();
});

/** `flowscope` args… as a process of its own: wall time from spawn to exit, and what it printed. */
function runCli(args: string[]): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli.run, ...args], { env: { ...process.env, REDIS_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

const CHILDREN = 10_000;
const RUNS = 3;
const OTHERS = 15_000;
/** Failed children of the event-loop case. */
const BIG = 20_000;
const SLOW_US = 50_000;
/** While one of our actions runs, every command slower than this is logged, to find the longest script. */
const PROFILE_US = 1_000;

const KNOWN = [LOAD_LEVEL, JOB_STATES_SCRIPT, CHILDREN_PAGE, ANCESTORS, READ_LOCKS, FIND_REMOVED_FAILURES, RETRY_FAILED_CHILDREN, REMOVE_UNPROCESSED, LEAF_CHILDREN, REMOVE_LEAVES];
const OUR_SCRIPTS = new Map(KNOWN.map((s) => [s.sha, s.name]));

/** A SLOWLOG entry's command, named: our scripts by SHA, or by their source for a first EVAL (SLOWLOG keeps its first 128 characters). */
function commandLabel(name: string, first: string): string {
  const command = name.toLowerCase();
  if (command === 'evalsha') {
    const ours = OUR_SCRIPTS.get(first);
    return ours ? `Flowscope ${ours}` : `EVALSHA ${first.slice(0, 12)} (not Flowscope's: BullMQ's)`;
  }
  if (command === 'eval') {
    const shown = first.replace(/\.\.\. \(\d+ more bytes\)$/, '');
    const matches = KNOWN.filter((s) => s.source.startsWith(shown.slice(0, 100))).map((s) => s.name);
    return matches.length > 0 ? `Flowscope ${matches.join(' or ')} (first call, source sent)` : 'EVAL (not Flowscope\'s)';
  }
  return `${name} ${first.slice(0, 24)}`;
}

interface SlowEntry {
  us: number;
  command: string;
}

type Stats = { ms: number; roundTrips: number } | undefined;
const statsOf = (result: unknown): Stats => (result as { stats?: Stats }).stats;

async function slowlog(client: RedisClient): Promise<SlowEntry[]> {
  const entries = (await client.call('SLOWLOG', 'GET', '100000')) as [number, number, number, string[]][];
  return entries.map(([, , us, args]) => {
    const [name = '', first = ''] = args;
    return { us, command: commandLabel(name, first) };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = () => loadavg().map((v) => v.toFixed(2)).join(' / ');

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
    const longest = slow.reduce<SlowEntry>((max, e) => (e.us > max.us ? e : max), { us: 0, command: '' });
    return { value, ms: elapsed, longest };
  };

  const producer = new FlowProducer({ connection, prefix });
  const queues: Queue[] = [];
  const queue = (name: string) => {
    const q = new Queue(name, { connection, prefix });
    queues.push(q);
    return q;
  };
  const result: BenchResult = { name: 'actions', rows: [], notes: [] };
  const loadBefore = load();
  // The queues the core would know: its registry, rescanned (untimed) before each action as the
  // core's watcher does within seconds of new keys.
  const registry = createQueueRegistry({ redis: () => client, prefix: () => prefix, onList: () => undefined });
  const search = { queues: async () => (await registry.list()).map((q) => q.key) };

  // Identical fan-outs whose even children fail (ignore policy), processed by real workers, each
  // with an items queue of its own. The naive loop's flow is made first and retried last, so
  // every Flowscope run has its 5,000 failures beside it under the prefix (as the one queue the
  // two shared in this bench before), the other runs' flows being made one by one.
  const fanOut = async (name: string) =>
    (await producer.add({
      name,
      queueName: 'ba-parents',
      children: Array.from({ length: CHILDREN }, (_, n) => ({
        name: 'item',
        queueName: `ba-items-${name}`,
        data: { n, fail: n % 2 === 0 },
        opts: { attempts: 1, ignoreDependencyOnFailure: true },
      })),
    })).job.id!;
  const parentsQueue = queue('ba-parents');
  /** Makes the flow (and `extra` failing jobs of no flow in its items queue), runs it with real workers until it has settled. */
  const settledFlow = async (name: string, extra = 0) => {
    const items = queue(`ba-items-${name}`);
    if (extra > 0) await items.addBulk(Array.from({ length: extra }, (_, n) => ({ name: 'other', data: { n, fail: true }, opts: { attempts: 1 } })));
    const id = await fanOut(name);
    const worker = new Worker(`ba-items-${name}`, async (job) => {
      if (job.data.fail) throw new Error('broken');
      return job.data.n;
    }, { connection, prefix, concurrency: 500 });
    const parents = new Worker('ba-parents', async () => 'done', { connection, prefix });
    await waitUntil(async () => (await items.getFailedCount()) === CHILDREN / 2 + extra, 600_000, 250);
    await waitUntil(async () => (await parentsQueue.getJobState(id)) === 'completed', 60_000, 100);
    await Promise.all([worker.close(), parents.close()]);
    return id;
  };

  interface Run {
    preview: number;
    run: number;
    stats: Stats;
    previewStats: Stats;
    longest: SlowEntry;
  }
  const retryOnce = async (id: string): Promise<Run> => {
    const key = `${prefix}:ba-parents:${id}`;
    await registry.rescan();
    const preview = await timed(() => previewRetryFailedChildren(client, prefix, key, search));
    const run = await timed(() => retryFailedChildren(client, prefix, key, search));
    expect(run.value.retried).toHaveLength(CHILDREN / 2);
    expect(run.value.reopened).toEqual([key]);
    expect(preview.value.retried).toHaveLength(CHILDREN / 2);
    const longest = preview.longest.us > run.longest.us ? preview.longest : run.longest;
    return { preview: preview.ms, run: run.ms, stats: statsOf(run.value), previewStats: statsOf(preview.value), longest };
  };
  const naiveId = await settledFlow('naive');
  const retryRuns: Run[] = [];
  for (let i = 0; i < RUNS; i++) retryRuns.push(await retryOnce(await settledFlow(`ours-${i}`)));

  /** The naive loop over one settled flow's failed children: Job.fromId + job.retry(), one by one. */
  const naiveRetry = async (name: string, id: string) => {
    const items = queue(`ba-items-${name}`);
    const failedKeys = await client.hkeys(`${prefix}:ba-parents:${id}:failed`);
    const started = performance.now();
    for (const key of failedKeys) {
      const job = await Job.fromId(items, key.slice(key.lastIndexOf(':') + 1));
      await job!.retry('failed');
    }
    return performance.now() - started;
  };
  const naiveRuns = [await naiveRetry('naive', naiveId)];
  for (let i = 1; i < RUNS; i++) naiveRuns.push(await naiveRetry(`naive-${i}`, await settledFlow(`naive-${i}`)));
  const naiveMs = median(naiveRuns);
  const busyRetry = await retryOnce(await settledFlow('busy', OTHERS));
  const retryMs = median(retryRuns.map((r) => r.run));
  const trips = (r: Run) => (r.stats && r.previewStats ? `${r.stats.roundTrips} / ${r.previewStats.roundTrips}` : 'n/a');
  const longestOf = (runs: Run[]) => runs.reduce((max, r) => (r.longest.us > max.us ? r.longest : max), { us: 0, command: '' });
  const longestText = (e: SlowEntry) => `${ms(e.us / 1000)} (${e.command || 'none over 1 ms'})`;
  /** A row comparing Flowscope's runs (median, preview, round trips, longest script) with the naive loop's median. */
  const comparedRow = (what: string, runs: Run[], naive: number, target: string) => {
    const run = median(runs.map((r) => r.run));
    const figures = { Flowscope: ms(run), preview: ms(median(runs.map((r) => r.preview))), 'naive BullMQ loop': ms(naive), speed_up: ratio(naive, run) };
    return { case: what, figures: { ...figures, 'round trips (run / preview)': trips(runs[0]!), 'longest script': longestText(longestOf(runs)), target } };
  };
  /** A row for one run against a busier queue. */
  const busyRow = (what: string, run: Run) => ({
    case: what,
    figures: { Flowscope: ms(run.run), preview: ms(run.preview), 'round trips (run / preview)': trips(run), 'longest script': longestText(run.longest) },
  });
  result.rows.push(
    comparedRow(
      'retry 5,000 failed children of a 10,000-child parent (naive: Job.fromId + job.retry() per child)',
      retryRuns,
      naiveMs,
      `<= 250 ms: ${retryMs <= 250 ? 'met' : 'missed'}; >= 5x: ${naiveMs / retryMs >= 5 ? 'met' : 'missed'}`,
    ),
  );
  result.rows.push(busyRow(`the same, its items queue also holding ${OTHERS.toLocaleString('en')} failed jobs of no flow (one run)`, busyRetry));

  // Removal: parents with 5,000 waiting children each, no workers.
  const removeFlows = [...Array.from({ length: RUNS }, (_, i) => `ours-${i}`), ...Array.from({ length: RUNS }, (_, i) => `naive-${i}`), 'busy'];
  const removeIds = new Map<string, string>();
  const brBusy = queue('br-items-busy');
  const others = (from: number) => Array.from({ length: OTHERS / 2 }, (_, n) => ({ name: 'other', data: { n: from + n } }));
  for (const name of removeFlows) {
    // The busy queue's other jobs are half older than the flow's children (nearer the tail, where the pass starts), half newer.
    if (name === 'busy') await brBusy.addBulk(others(0));
    const { job } = await producer.add({
      name,
      queueName: 'br-parents',
      children: Array.from({ length: CHILDREN / 2 }, (_, n) => ({ name: 'upload', queueName: `br-items-${name}`, data: { n } })),
    });
    removeIds.set(name, job.id!);
    if (name === 'busy') await brBusy.addBulk(others(OTHERS / 2));
  }
  const removeOnce = async (name: string): Promise<Run> => {
    const key = `${prefix}:br-parents:${removeIds.get(name)}`;
    await registry.rescan();
    const preview = await timed(() => previewRemoveUnprocessed(client, prefix, key, search));
    const run = await timed(() => removeUnprocessed(client, prefix, key, search));
    expect(run.value.removed).toHaveLength(CHILDREN / 2);
    expect(preview.value.removed).toHaveLength(CHILDREN / 2);
    const longest = preview.longest.us > run.longest.us ? preview.longest : run.longest;
    return { preview: preview.ms, run: run.ms, stats: statsOf(run.value), previewStats: statsOf(preview.value), longest };
  };
  const removeRuns: Run[] = [];
  for (let i = 0; i < RUNS; i++) removeRuns.push(await removeOnce(`ours-${i}`));
  const busyRemove = await removeOnce('busy');
  expect(await brBusy.getWaitingCount()).toBe(OTHERS);

  const removeNaiveRuns: number[] = [];
  for (const name of removeFlows.filter((f) => f.startsWith('naive'))) {
    const items = queue(`br-items-${name}`);
    const deps = await client.smembers(`${prefix}:br-parents:${removeIds.get(name)}:dependencies`);
    const started = performance.now();
    for (const key of deps) await items.remove(key.slice(key.lastIndexOf(':') + 1));
    removeNaiveRuns.push(performance.now() - started);
  }
  const removeNaiveMs = median(removeNaiveRuns);
  const removeMs = median(removeRuns.map((r) => r.run));
  result.rows.push(
    comparedRow('remove 5,000 unprocessed children (naive: queue.remove() per child)', removeRuns, removeNaiveMs, `>= 5x: ${removeNaiveMs / removeMs >= 5 ? 'met' : 'missed'}`),
  );
  result.rows.push(busyRow(`the same, their wait list also holding ${OTHERS.toLocaleString('en')} other jobs (one run)`, busyRemove));

  // The whole CLI command (issue 13: <= 1 s): `flowscope retry-failed-children --json` as a
  // process of its own, spawn to exit, on settled flows of its own (the same fan-out as above).
  const cliRuns: { ms: number; own: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const id = await settledFlow(`cli-${i}`);
    const out = await runCli(['--redis', redis.url, '--prefix', prefix, '--data-dir', cliData, '--json', 'retry-failed-children', 'ba-parents', id]);
    expect(out.code, out.stderr).toBe(0);
    const answer = JSON.parse(out.stdout) as { retried: string[]; stats: { ms: number } };
    expect(answer.retried).toHaveLength(CHILDREN / 2);
    cliRuns.push({ ms: out.ms, own: answer.stats.ms });
  }
  const cliMs = median(cliRuns.map((r) => r.ms));
  result.rows.push({
    case: '`flowscope retry-failed-children --json` on the same 10,000-child parent: the whole command, spawn to exit',
    figures: { Flowscope: ms(cliMs), target: `<= 1 s: ${cliMs <= 1000 ? 'met' : 'missed'}` },
  });

  // 20,000 failed children (ignore policy) of one completed parent, laid out by hand as BullMQ
  // leaves them (a FlowProducer flow whose children are then failed as moveToFinished fails
  // them): the event loop's longest stall while Flowscope previews and runs the retry.
  const bigItems = queue('bl-items');
  const bigParents = queue('bl-parents');
  const { job: bigParent } = await producer.add({
    name: 'big',
    queueName: 'bl-parents',
    children: Array.from({ length: BIG }, (_, n) => ({ name: 'item', queueName: 'bl-items', data: { n }, opts: { attempts: 1, ignoreDependencyOnFailure: true } })),
  });
  await bigItems.waitUntilReady();
  await bigParents.waitUntilReady();
  const bigKey = `${prefix}:bl-parents:${bigParent.id}`;
  const childKeys = await client.smembers(`${bigKey}:dependencies`);
  const failedAt = Date.now();
  for (let i = 0; i < childKeys.length; i += 1000) {
    const pipe = client.pipeline();
    for (const child of childKeys.slice(i, i + 1000)) {
      const id = child.slice(child.lastIndexOf(':') + 1);
      pipe.hset(child, 'finishedOn', failedAt, 'failedReason', 'broken', 'atm', 1, 'ats', 1, 'processedOn', failedAt);
      pipe.zadd(`${prefix}:bl-items:failed`, failedAt, id);
      pipe.hset(`${bigKey}:failed`, child, 'broken');
    }
    await pipe.exec();
  }
  await client
    .multi()
    .del(`${prefix}:bl-items:wait`, `${bigKey}:dependencies`, `${prefix}:bl-items:marker`)
    .zrem(`${prefix}:bl-parents:waiting-children`, bigParent.id!)
    .zadd(`${prefix}:bl-parents:completed`, failedAt, bigParent.id!)
    .hset(bigKey, 'finishedOn', failedAt, 'processedOn', failedAt, 'returnvalue', '"done"')
    .exec();
  const stalls = async <T>(fn: () => Promise<T>) => {
    const monitor = monitorEventLoopDelay({ resolution: 5 });
    monitor.enable();
    const started = performance.now();
    const value = await fn();
    const elapsed = performance.now() - started;
    monitor.disable();
    return { value, ms: elapsed, maxStall: monitor.max / 1e6, p99: monitor.percentile(99) / 1e6 };
  };
  await registry.rescan();
  const bigPreview = await stalls(() => previewRetryFailedChildren(client, prefix, bigKey, search));
  const bigRun = await stalls(() => retryFailedChildren(client, prefix, bigKey, search));
  expect(bigPreview.value.retried).toHaveLength(BIG);
  expect(bigRun.value.retried).toHaveLength(BIG);
  const stallText = (r: { maxStall: number; p99: number }) => `${ms(r.maxStall)} (p99 ${ms(r.p99)})`;
  result.rows.push({
    case: `retry ${BIG.toLocaleString('en')} failed children: the event loop's longest stall (monitorEventLoopDelay) while previewing / running`,
    figures: {
      Flowscope: ms(bigRun.ms),
      preview: ms(bigPreview.ms),
      target: `<= 100 ms: ${Math.max(bigRun.maxStall, bigPreview.maxStall) <= 100 ? 'met' : 'missed'}`,
      'longest event-loop stall (run / preview)': `${stallText(bigRun)} / ${stallText(bigPreview)}`,
    },
  });

  await setSlowlog(SLOW_US);
  const fmt = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
  const ours50 = slowOver50.filter((e) => e.command.startsWith('Flowscope'));
  result.notes.push(
    `Each figure is the median of ${RUNS} runs, each on a fresh identical flow with queues of its own (an action cannot be repeated on the same flow), Flowscope and naive alike. ` +
      `Retry runs (ms): ${fmt(retryRuns.map((r) => r.run))}, previews ${fmt(retryRuns.map((r) => r.preview))}, naive ${fmt(naiveRuns)}; ` +
      `removal runs: ${fmt(removeRuns.map((r) => r.run))}, previews ${fmt(removeRuns.map((r) => r.preview))}, naive ${fmt(removeNaiveRuns)}. ` +
      `Time is the action's own, in process, from the call to its answer. Every retry run had the first naive flow's 5,000 failed jobs beside it under the prefix (the remove-policy search reads them too).`,
    'The naive retry loop also leaves its parent completed: nothing aggregates the retried results. Flowscope reopens the parent first.',
    `Whole CLI command: the CLI built from the sources (test/helpers/built-cli.ts) run as bin.js runs it, ${RUNS} runs, each on a settled flow of its own with the queue registry's full discovery (a SCAN) in it: ${cliRuns.map((r) => `${r.ms.toFixed(0)} ms (the action's own ${r.own} ms)`).join(', ')}.`,
    "Flowscope's calls are given the queue list of a queue registry (electron/core/queues/queue-registry.ts), as the core's dispatcher gives its own, rescanned untimed before each action (the core's watcher picks up new queues within seconds): the remove-policy search reads those queues' failed sets and scans no keys.",
    `Event-loop case: one FlowProducer flow of ${BIG.toLocaleString('en')} children whose jobs were then failed by hand as BullMQ's moveToFinished fails an ignoreDependencyOnFailure child (failed zset, finishedOn, the parent's :failed hash), the parent completed; monitorEventLoopDelay (resolution 5 ms) over the whole call.`,
    ownRedis
      ? `SLOWLOG (slowlog-log-slower-than ${SLOW_US} µs, the whole bench): Flowscope scripts at 50 ms or longer: ${
          ours50.length === 0 ? 'none' : ours50.map((e) => `${e.command} ${ms(e.us / 1000)}`).join('; ')
        }; other commands (BullMQ's workers and loops, setup): ${
          slowOver50.length - ours50.length === 0
            ? 'none'
            : slowOver50
                .filter((e) => !e.command.startsWith('Flowscope'))
                .map((e) => `${e.command} ${ms(e.us / 1000)}`)
                .join('; ')
        }. Longest script = the slowest command SLOWLOG saw (threshold ${PROFILE_US} µs) while a Flowscope preview or run was going on.`
      : 'SLOWLOG not read: REDIS_URL names a server this bench did not start.',
    `Load average (1/5/15 min) before: ${loadBefore}; after: ${load()} (other work shares this machine).`,
  );
  report(result);
  await producer.close();
  await Promise.all(queues.map((q) => q.close()));
});
