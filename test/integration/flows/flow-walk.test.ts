// The flow list walks the queues' state sets (issue 13 item 5): it pages through flows mixed with
// plain jobs without a SCAN, newest first across pages, every flow once; roots waiting in a
// list come first; a state filter walks that state's set only; answers carry stats. The walk
// itself (flow-walk.ts) is also driven with a tiny budget over a set of equal scores, so that
// resuming inside one score (ties) and across calls is exercised.
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FlowList, FlowSummary } from '../../../shared/domain';
import { RoundTrips } from '../../../electron/core/lua/round-trips';
import { FlowWalk, type Candidate, type WalkCursor } from '../../../electron/core/flows/flow-walk';
import { JobOutcomes, startWorker } from '../../helpers/flows';
import { closeAfterAll, coreForFile } from '../../helpers/core-per-file';

const { redis, core } = coreForFile({ core: { shell: 'cli' } });
const closing = closeAfterAll();
let client: Redis;
const completedRoots: string[] = [];
const waitingRoots: string[] = [];
const openRoots: string[] = [];
let nestedParent = '';
/** Outcomes of the jobs this file's workers run (the fw-kids and fw-done workers stay up for every test). */
const outcomes = new JobOutcomes();

async function call<T>(method: string, args: unknown): Promise<T> {
  const result = await core.dispatch(method, args);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.result as T;
}

async function scans(): Promise<number> {
  const info = await client.info('commandstats');
  return Number(/cmdstat_scan:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

/** Every page of a listing, in order. */
async function allPages(args: Record<string, unknown>): Promise<FlowList[]> {
  const pages: FlowList[] = [];
  let cursor: string | undefined;
  do {
    const page = await call<FlowList>('listFlows', { ...args, ...(cursor ? { cursor } : {}) });
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 100) throw new Error('the pages never end');
  } while (cursor);
  return pages;
}

beforeAll(async () => {
  client = redis.client();
  const { connection, prefix } = redis;
  const flows = new FlowProducer({ connection, prefix });
  const done = new Queue('fw-done', { connection, prefix });
  closing(() => flows.close(), () => done.close());
  const expected: Record<string, 'completed'> = {};
  // 24 flows whose roots complete, each after 12 plain jobs of the same queue.
  for (let i = 0; i < 24; i++) {
    const plain = await done.addBulk(Array.from({ length: 12 }, (_, j) => ({ name: `plain-${i}-${j}`, data: {} })));
    for (const job of plain) expected[`${prefix}:fw-done:${job.id}`] = 'completed';
    const flow = await flows.add({ name: `done-${i}`, queueName: 'fw-done', children: [{ name: 'kid', queueName: 'fw-kids' }] });
    completedRoots.push(`${prefix}:fw-done:${flow.job.id}`);
    expected[`${prefix}:fw-done:${flow.job.id}`] = 'completed';
  }
  // 3 roots whose children complete while nothing works their own queue: they wait in its list.
  for (let i = 0; i < 3; i++) {
    const flow = await flows.add({ name: `ready-${i}`, queueName: 'fw-ready', children: [{ name: 'kid', queueName: 'fw-kids' }] });
    waitingRoots.push(`${prefix}:fw-ready:${flow.job.id}`);
    expected[`${prefix}:fw-kids:${flow.children![0]!.job.id}`] = 'completed';
  }
  // 2 roots still waiting for a child nobody works, one of them over a parent that waits too.
  const open = await flows.add({ name: 'open-0', queueName: 'fw-open', children: [{ name: 'idle', queueName: 'fw-idle' }] });
  const nested = await flows.add({
    name: 'open-1',
    queueName: 'fw-open',
    children: [{ name: 'middle', queueName: 'fw-open', children: [{ name: 'idle', queueName: 'fw-idle' }] }],
  });
  openRoots.push(`${prefix}:fw-open:${open.job.id}`, `${prefix}:fw-open:${nested.job.id}`);
  nestedParent = `${prefix}:fw-open:${nested.children![0]!.job.id}`;
  for (const q of ['fw-kids', 'fw-done']) {
    const worker = startWorker(outcomes, connection, prefix, q, undefined, 1);
    closing(() => worker.close());
  }
  await outcomes.until(expected, 30_000);
}, 60_000);


const keysOf = (pages: FlowList[]) => pages.flatMap((p) => p.flows.map((f) => f.key));

describe('the flow list walks the state sets', () => {
  it('pages through every flow once, newest first across pages, without a SCAN once the queues are known', async () => {
    await call<FlowList>('listFlows', {}); // the registry knows the queues from here on
    const scansBefore = await scans();
    const pages = await allPages({ limit: 5 });
    expect(await scans()).toBe(scansBefore);

    const keys = keysOf(pages);
    expect(keys).toHaveLength(new Set(keys).size);
    expect(new Set(keys)).toEqual(new Set([...completedRoots, ...waitingRoots, ...openRoots, nestedParent]));
    expect(pages.slice(0, -1).every((p) => p.flows.length === 5)).toBe(true);
    expect(pages.at(-1)!.nextCursor).toBeNull();

    // Roots waiting in a list come first; then by the time each entered its set, newest first:
    // the completed roots (finished once the workers ran) before the parents waiting for children
    // since they were added (before the workers started).
    expect(pages[0]!.flows.map((f) => f.key)).toEqual(expect.arrayContaining(waitingRoots));
    expect(pages.at(-1)!.flows.map((f) => f.key)).toEqual(expect.arrayContaining([...openRoots, nestedParent]));
    const finished = async (f: FlowSummary) => Number(await client.hget(f.key, 'finishedOn'));
    const completed = pages.flatMap((p) => p.flows).filter((f) => f.state === 'completed');
    const byPage = await Promise.all(pages.map((p) => Promise.all(p.flows.filter((f) => f.state === 'completed').map(finished))));
    for (let i = 1; i < byPage.length; i++) {
      if (byPage[i]!.length > 0 && byPage[i - 1]!.length > 0) expect(Math.min(...byPage[i - 1]!)).toBeGreaterThanOrEqual(Math.max(...byPage[i]!));
    }
    expect(completed).toHaveLength(24);
    // Each page is sorted by creation time, newest first.
    for (const page of pages) {
      const stamps = page.flows.map((f) => f.timestamp ?? 0);
      expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    }
  });

  it('a state filter pages through that state only; the answers carry stats', async () => {
    const pages = await allPages({ state: 'completed', limit: 7 });
    expect(new Set(keysOf(pages))).toEqual(new Set(completedRoots));
    expect(keysOf(pages)).toHaveLength(24);
    expect(pages.map((p) => p.flows.length)).toEqual([7, 7, 7, 3]);
    for (const page of pages) {
      expect(page.stats!.roundTrips).toBeGreaterThanOrEqual(1);
      expect(page.stats!.ms).toBeGreaterThan(0);
    }
    const waiting = await call<FlowList>('listFlows', { state: 'waiting' });
    expect(new Set(waiting.flows.map((f) => f.key))).toEqual(new Set(waitingRoots));
    const open = await call<FlowList>('listFlows', { state: 'waiting-children', queue: 'fw-open' });
    expect(new Set(open.flows.map((f) => f.key))).toEqual(new Set([...openRoots, nestedParent]));
  });

  it("a core's later listings see what changed since its last walk: a new flow on top, a removed one gone, a moved one once", async () => {
    const { connection, prefix } = redis;
    expect(keysOf(await allPages({ limit: 8 }))).toHaveLength(30); // the index covers every set now
    const flows = new FlowProducer({ connection, prefix });
    const done = new Queue('fw-done', { connection, prefix });
    try {
      const fresh = await flows.add({ name: 'fresh', queueName: 'fw-done', children: [{ name: 'kid', queueName: 'fw-kids' }] });
      const freshKey = `${prefix}:fw-done:${fresh.job.id}`;
      await outcomes.until({ [freshKey]: 'completed' });
      const removed = completedRoots[5]!;
      await done.remove(removed.slice(`${prefix}:fw-done:`.length), { removeChildren: true });
      // The open root's idle child is worked now: the root leaves waiting-children for its wait list.
      const idle = new Queue('fw-idle', { connection, prefix });
      const idleWorker = startWorker(outcomes, connection, prefix, 'fw-idle', undefined, 1);
      const [openRoot] = openRoots;
      const idleKids = await idle.getJobs(['wait']);
      await outcomes.until(Object.fromEntries(idleKids.map((j) => [`${prefix}:fw-idle:${j.id}`, 'completed' as const])));
      await idleWorker.close();
      await idle.close();

      const pages = await allPages({ limit: 8 });
      const keys = keysOf(pages);
      expect(keys).toHaveLength(new Set(keys).size);
      expect(keys).toContain(freshKey);
      expect(keys).not.toContain(removed);
      expect(pages[0]!.flows.map((f) => f.key)).toContain(freshKey); // newest finished: first page, after the 3 waiting roots
      const open = pages.flatMap((p) => p.flows).filter((f) => f.key === openRoot);
      expect(open).toHaveLength(1);
      expect(open[0]!.state).not.toBe('waiting-children');
      completedRoots.splice(5, 1, freshKey);
    } finally {
      await flows.close();
      await done.close();
    }
  });

  it('a cursor that is not one of the list restarts from the newest', async () => {
    const first = await call<FlowList>('listFlows', { limit: 4 });
    const junk = await call<FlowList>('listFlows', { limit: 4, cursor: 'not-a-cursor' });
    expect(junk.flows.map((f) => f.key)).toEqual(first.flows.map((f) => f.key));
  });
});

describe('FlowWalk', () => {
  const prefix = 'walk';

  /** Takes `n` candidates from a walk. */
  async function take(walk: FlowWalk, n: number): Promise<Candidate[]> {
    const out: Candidate[] = [];
    while (out.length < n) {
      const next = await walk.next();
      if (!next) break;
      out.push(next);
    }
    return out;
  }

  it('resumes inside a run of equal scores and across calls of a small budget, every flow once, plain jobs skipped', async () => {
    // 60 members of the completed set, all finished in the same ms; every third one a root with children.
    const flows: string[] = [];
    for (let i = 0; i < 60; i++) {
      const id = `j${String(i).padStart(2, '0')}`;
      await client.zadd(`${prefix}:q:completed`, 1000, id);
      await client.hset(`${prefix}:q:${id}`, { name: id, timestamp: 1 });
      if (i % 3 === 0) {
        await client.hset(`${prefix}:q:${id}:processed`, 'k', '1');
        flows.push(`${prefix}:q:${id}`);
      }
    }
    // A child with children is not a root: left out of completed.
    await client.zadd(`${prefix}:q:completed`, 900, 'kid');
    await client.hset(`${prefix}:q:kid`, { name: 'kid', parentKey: `${prefix}:q:j00` });
    await client.hset(`${prefix}:q:kid:processed`, 'k', '1');

    const seen: string[] = [];
    let cursor: WalkCursor = {};
    for (let page = 0; page < 10; page++) {
      const walk = new FlowWalk(new RoundTrips(client), prefix, ['q'], undefined, cursor, 7);
      const got = await take(walk, 6);
      if (got.length === 0) break;
      seen.push(...got.map((c) => c.key));
      cursor = walk.cursorAfter(got.at(-1)!, cursor, got);
    }
    expect(seen).toHaveLength(flows.length);
    expect(new Set(seen)).toEqual(new Set(flows));
  });
});
