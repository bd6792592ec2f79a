// Reads the subtree an action works on into a Snapshot (snapshot.ts), the way the tree loader
// reads a flow: one round trip per level (../tree/load-level.ts: fields, exact getStateV2 state,
// bucket counts and pages, in batches of ~500 jobs; no script holds Redis for long), never
// job by job. Each round trip also carries the bucket pages still to list (children-page.lua,
// 10,000 keys a call), the worker locks the planners need (read-locks.lua) and, in the first
// one, the chain of parents above the start job (ancestors.lua). Levels are not kept apart: a
// round trip loads every key known and not yet loaded, so a big bucket listed over several
// calls costs no extra round trips beyond its pages.
//
// The remove-policy search (find-failed-children.ts) runs beside the read: the subtree's own
// queues as the read meets them, every other queue with a failed set once listed; its first
// call per queue goes out ahead of a round trip's loads. The failed children it finds join the
// next round trip, with their own subtrees.
// Buckets by name (the tree loader's) and by key suffix (the snapshot's): one map, shared/buckets.ts.
import { BUCKET_KEY_SUFFIX, BUCKET_OF_SUFFIX } from '../../../shared/buckets';
import { queueKeyOf, splitJobKey } from '../../../shared/job-keys';
import type { RedisClient } from '../connection/redis-client';
import { luaScript, type ScriptCall } from '../lua/round-trips';
import { ancestorsCall } from '../tree/ancestors';
import { bucketPageCall, parseBucketPage } from '../tree/children-page';
import { LevelLoad, type LevelRecord } from '../tree/load-level';
import { JOB_FIELDS, parseJobHash } from '../tree/parse-job-hash';
import { MAX_PAGE_SIZE } from '../tree/tree-options';
import type { ActionCost } from './cost';
import { CLOCK_SKEW_MS, findRemovedFailures, queuesWithFailedSets, type RemovedFailure } from './find-failed-children';
import readLocksLua from './read-locks.lua?raw';
import {
  badBucketOf,
  BUCKET_KEYS,
  hasBucketChildren,
  isActive,
  missingJob,
  type BadBucket,
  type BucketKey,
  type JobState,
  type SnapJob,
  type Snapshot,
} from './snapshot';

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const READ_LOCKS = luaScript('read-locks', readLocksLua);
const LOCK_BATCH = 2000;
/**
 * Job ids per job-states call: a quarter of the tree's 10,000, so a level of 10,000 children
 * is four calls of a few ms each rather than one of ~20 ms (a busy machine stretches that).
 */
const STATE_BATCH = 2500;
/** Child keys per bucket listed per job and per page call (the tree's own maximum). */
const PAGE = MAX_PAGE_SIZE;

// Locks only matter outside the zset states: moveToFinished releases it in the same script.
const ZSET_STATES: ReadonlySet<string> = new Set(['completed', 'failed', 'delayed', 'prioritized']);
/**
 * What the planners read of the jobs below the start: a few small fields (no `opts` or `parent`
 * JSON), so a level of thousands of children costs Redis and the client a fraction of a full
 * tree load. The start job and its ancestors are read in full (their policy decides the bucket
 * they are re-linked from).
 */
const CHILD_FIELDS = ['name', 'timestamp', 'finishedOn', 'parentKey'] as const;
/**
 * Children in `:processed` (completed, and most of them leaves) are read briefly: name and
 * creation time (what supersession compares) and their bucket counts, no state. One that turns
 * out to have children, or a remove-policy failure under it, is read again in full in the next
 * round trip (its state, parent link and children).
 */
const BRIEF_FIELDS = ['name', 'timestamp'] as const;
type Field = (typeof JOB_FIELDS)[number];
const indexOf = (names: readonly string[]) => (name: Field) => {
  const at = names.indexOf(name);
  return at < 0 ? undefined : at;
};
const AT = { full: indexOf(JOB_FIELDS), child: indexOf(CHILD_FIELDS), brief: indexOf(BRIEF_FIELDS) };
type ReadKind = keyof typeof AT;

export interface ReadSubtreeOptions {
  /** Read the parents above the start job, each with the buckets of its own parent that hold it. */
  ancestors?: boolean;
  /** Search the failed remove-policy children of the subtree (they are in no bucket). */
  removed?: boolean;
  /** The other queues that search reads (default: queuesWithFailedSets, a SCAN kept 10 s). */
  queues?: () => Promise<string[]>;
  /** Locks of every job read; otherwise of the start job, its ancestors and children listed in `:dependencies`. */
  allLocks?: boolean;
  /** The start job's buckets whose children are read (default all four); below it, always all four. */
  startBuckets?: readonly BucketKey[];
  /** Told the queues (`P:Q`) of the jobs about to be read, each once, as each round trip goes out (the guard reads their verdicts beside it). */
  onQueues?: (queueKeys: string[]) => void;
}

function toSnapJob(record: LevelRecord, lock: boolean, kind: ReadKind): SnapJob {
  const { key, fields } = record;
  const at = AT[kind];
  const field = (name: Field) => {
    const i = at(name);
    return i === undefined ? null : (fields[i] ?? null);
  };
  // A job is its hash with a name or a timestamp (BullMQ writes both on add).
  const { queueKey, id } = splitJobKey(key);
  if (record.kind !== 'hash' || (field('name') === null && field('timestamp') === null) || !queueKey) return missingJob(key);
  const locked = lock && !ZSET_STATES.has(record.state);
  let state: JobState = record.state === 'missing' || kind === 'brief' ? 'unknown' : record.state;
  if (state === 'unknown' && locked) state = 'active';
  const c = record.counts;
  const number = (name: Field) => Number(field(name) ?? '') || 0;
  return {
    key,
    queueKey,
    id,
    exists: true,
    state,
    locked,
    name: field('name') ?? '',
    timestamp: number('timestamp'),
    finishedOn: number('finishedOn'),
    parentKey: field('parentKey') || null,
    policy: kind === 'full' ? (parseJobHash(fields).policy ?? 'none') : 'none',
    counts: { dependencies: c.unprocessed, processed: c.processed, failed: c.ignored, unsuccessful: c.failed },
    ...(kind === 'brief' ? { brief: true } : {}),
  };
}

function lockCalls(keys: string[]): ScriptCall[] {
  const calls: ScriptCall[] = [];
  for (let i = 0; i < keys.length; i += LOCK_BATCH) calls.push({ script: READ_LOCKS, keys: keys.slice(i, i + LOCK_BATCH), args: [] });
  return calls;
}

function readLocks(keys: string[], replies: unknown[]): Set<string> {
  const text = replies.map((r) => (typeof r === 'string' ? r : '')).join('');
  const locked = new Set<string>();
  keys.forEach((key, i) => {
    if (text[i] === '1') locked.add(key);
  });
  return locked;
}

interface PendingPage {
  parent: string;
  bucket: BucketKey;
  cursor: string;
}

export async function readSubtree(
  redis: RedisClient,
  prefix: string,
  start: string,
  options: ReadSubtreeOptions,
  cost: ActionCost,
): Promise<Snapshot> {
  const trips = cost.trips;
  const jobs = new Map<string, SnapJob>();
  const removed = new Map<string, string[]>();
  const badBuckets: BadBucket[] = [];
  const snapshot: Snapshot = { start, ancestors: [], jobs, removed, badBuckets };
  const noteErrors = (record: LevelRecord) => {
    for (const error of record.errors) {
      const bad = badBucketOf(record.key, error);
      if (bad) badBuckets.push(bad);
    }
  };
  // The other queues with a failed set (the remove-policy search): listed beside the first
  // round trips, or known from a recent listing on this connection.
  const failedQueues = options.removed ? (options.queues?.() ?? queuesWithFailedSets(redis, prefix, cost)) : null;
  let otherQueues: string[] | null = null;
  failedQueues?.then(
    (queues) => void (otherQueues = queues),
    () => undefined, // awaited below
  );

  // Remove-policy failures are searched queue by queue: the subtree's own queues as the read
  // meets them (their first call goes out ahead of that round trip's loads), then the others.
  let since: number | null = null;
  const searched = new Set<string>();
  const searches: Promise<void>[] = [];
  let found: RemovedFailure[] = [];
  const search = (queueKeys: string[]) => {
    if (since === null) return;
    const fresh = queueKeys.filter((q) => !searched.has(q));
    if (fresh.length === 0) return;
    for (const q of fresh) searched.add(q);
    const done = findRemovedFailures(cost, fresh, since).then((list) => void found.push(...list));
    done.catch(() => undefined); // awaited below
    searches.push(done);
  };

  const announced = new Set<string>();
  const announce = (keys: Iterable<string>) => {
    const fresh: string[] = [];
    for (const key of keys) {
      const queueKey = queueKeyOf(key);
      if (queueKey && !announced.has(queueKey)) {
        announced.add(queueKey);
        fresh.push(queueKey);
      }
    }
    if (fresh.length === 0) return;
    options.onQueues?.(fresh);
    if (options.removed) search(fresh);
  };
  announce([start]);
  const startLoad = new LevelLoad([start], { pageSize: PAGE, withParentBucket: true });
  const first: ScriptCall[] = [...(options.ancestors ? [ancestorsCall(start)] : []), ...startLoad.calls, ...lockCalls([start])];
  const replies = await trips.run(first);
  const offset = options.ancestors ? 1 : 0;
  const [startRecord] = startLoad.decodeAll(replies.slice(offset, offset + startLoad.calls.length));
  noteErrors(startRecord!);
  const startJob = toSnapJob(startRecord!, readLocks([start], replies.slice(offset + startLoad.calls.length)).has(start), 'full');
  startJob.parentBuckets = startRecord!.parentBuckets.map((b) => BUCKET_KEY_SUFFIX[b]);
  jobs.set(start, startJob);
  if (!startJob.exists) return snapshot;
  // Nothing under a job fails before the job existed; the skew covers the hosts' clocks.
  since = startJob.timestamp - CLOCK_SKEW_MS;
  if (options.removed) search([startJob.queueKey]);

  const ancestorKeys: string[] = [];
  if (options.ancestors) {
    // { status, problemKey, parents nearest first }: a missing or wrong-type parent is loaded
    // too (it reads as missing), so the planner can say that the chain is broken there.
    const items = Array.isArray(replies[0]) ? (replies[0] as unknown[]).filter((v): v is string => typeof v === 'string') : [];
    const [status = 'ok', problemKey = '', ...parents] = items;
    snapshot.ancestors = parents;
    ancestorKeys.push(...parents);
    if ((status === 'missing' || status === 'wrong-type') && problemKey) ancestorKeys.push(problemKey);
  }

  // Every key read or to be read, with the round trip it goes out in: one not sent yet may
  // still change how it is read (a key listed again elsewhere may need more).
  interface Entry {
    key: string;
    lock: boolean;
    brief: boolean;
    round: number;
  }
  let sentRounds = 0;
  const queued = new Map<string, Entry>([[start, { key: start, lock: true, brief: false, round: 0 }]]);
  let toLoad: Entry[] = [];
  const queue = (key: string, lock: boolean, brief: boolean) => {
    const entry = { key, lock, brief, round: sentRounds + 1 };
    queued.set(key, entry);
    toLoad.push(entry);
  };
  const reread = new Set<string>();
  /** A briefly read job that needs its state and children after all: read again, in full. */
  const readAgain = (job: SnapJob) => {
    if (!job.brief || reread.has(job.key)) return;
    reread.add(job.key);
    queue(job.key, options.allLocks === true, false);
  };
  let toPage: PendingPage[] = [];
  const paged = new Set<SnapJob>();

  const addChildren = (job: SnapJob, bucket: BucketKey, keys: string[]) => {
    const list = job.children![bucket];
    // remove-unprocessed reads every job in full: it removes them, whatever bucket holds them.
    const brief = bucket === 'processed' && options.allLocks !== true;
    const lock = options.allLocks === true || bucket === 'dependencies';
    for (const key of keys) {
      list.push(key);
      const known = queued.get(key);
      if (known === undefined) {
        queue(key, lock, brief);
      } else if (known.round > sentRounds) {
        // Listed twice (say in :processed and :failed after a retry by hand): read as the stricter listing needs.
        known.brief &&= brief;
        known.lock ||= lock;
      } else if (!brief) {
        const read = jobs.get(key);
        if (read) readAgain(read);
      }
    }
  };
  // Children of a job no worker holds; a bucket not listed whole goes on page by page.
  const expand = (job: SnapJob, record: LevelRecord, buckets: readonly BucketKey[]) => {
    if (!job.exists || isActive(job) || !hasBucketChildren(job)) return;
    job.children = { dependencies: [], processed: [], failed: [], unsuccessful: [] };
    for (const bucket of buckets) {
      const page = record.pages[BUCKET_OF_SUFFIX[bucket]];
      if (page.cursor !== '0') {
        addChildren(job, bucket, page.keys);
        toPage.push({ parent: job.key, bucket, cursor: page.cursor });
        paged.add(job);
      } else if (page.keys.length < job.counts[bucket]) {
        // Not listed (the call's listing budget ran out): listed from the start by page calls.
        toPage.push({ parent: job.key, bucket, cursor: '0' });
        paged.add(job);
      } else {
        addChildren(job, bucket, page.keys);
      }
    }
  };
  expand(startJob, startRecord!, options.startBuckets ?? BUCKET_KEYS);

  // Every other queue with a failed set, once listed (ahead of the next round trip's loads).
  let othersSearched = !failedQueues;
  const searchOthers = () => {
    if (othersSearched || otherQueues === null) return;
    othersSearched = true;
    search(otherQueues);
  };
  // Remove-policy failures whose parent is in the snapshot join it (with their subtrees); one
  // whose parent is not read yet waits for it (the read may reach it later), and is dropped if
  // the parent never comes (a failure outside the subtree).
  const takeFound = () => {
    const waiting: RemovedFailure[] = [];
    for (const failure of found) {
      const { key, parentKey } = failure;
      const parent = jobs.get(parentKey);
      if (!parent) {
        waiting.push(failure);
        continue;
      }
      if (!parent.exists) continue;
      readAgain(parent);
      const list = removed.get(parentKey) ?? [];
      if (!list.includes(key)) list.push(key);
      removed.set(parentKey, list);
      if (!queued.has(key)) queue(key, false, false);
    }
    found = waiting;
  };

  let ancestorsLeft = ancestorKeys;
  for (;;) {
    takeFound();
    if (toLoad.length === 0 && toPage.length === 0 && ancestorsLeft.length === 0) {
      if (!othersSearched) {
        await failedQueues;
        searchOthers();
        continue;
      }
      if (searches.length === 0) break;
      await Promise.all(searches.splice(0));
      continue;
    }
    const level = toLoad;
    sentRounds++;
    const pages = toPage;
    const above = ancestorsLeft;
    toLoad = [];
    toPage = [];
    ancestorsLeft = [];
    announce(above);
    announce(level.map((l) => l.key));
    searchOthers();
    const aboveLoad = above.length > 0 ? new LevelLoad(above, { pageSize: 0, withParentBucket: true }) : null;
    const childKeys = level.filter((l) => !l.brief).map((l) => l.key);
    const briefKeys = level.filter((l) => l.brief).map((l) => l.key);
    const levelLoad = childKeys.length > 0 ? new LevelLoad(childKeys, { pageSize: PAGE, stateBatch: STATE_BATCH, fields: CHILD_FIELDS }) : null;
    // No states, no listing (counts only): a brief job with children is read again.
    const briefLoad = briefKeys.length > 0 ? new LevelLoad(briefKeys, { pageSize: 0, stateBatch: STATE_BATCH, withStates: false, fields: BRIEF_FIELDS }) : null;
    const lockKeys = [...above, ...level.filter((l) => l.lock).map((l) => l.key)];
    const locks = lockCalls(lockKeys);
    // Locks first (small), so that each load-level batch is decoded as soon as it arrives,
    // while Redis runs the next one.
    const calls = [
      ...locks,
      ...(aboveLoad?.calls ?? []),
      ...(levelLoad?.calls ?? []),
      ...(briefLoad?.calls ?? []),
      ...pages.map((p) => bucketPageCall(p.parent, BUCKET_OF_SUFFIX[p.bucket], p.cursor, PAGE)),
    ];
    const aboveAt = locks.length;
    const levelAt = aboveAt + (aboveLoad?.calls.length ?? 0);
    const briefAt = levelAt + (levelLoad?.calls.length ?? 0);
    const pagesAt = briefAt + (briefLoad?.calls.length ?? 0);
    const lockReplies: unknown[] = new Array(locks.length);
    let locksLeft = locks.length;
    let locked = new Set<string>();
    const held: { records: LevelRecord[]; kind: ReadKind }[] = [];
    const place = (records: LevelRecord[], kind: ReadKind) => {
      for (const record of records) {
        if (record.errors.length > 0) noteErrors(record);
        const job = toSnapJob(record, locked.has(record.key), kind);
        jobs.set(record.key, job);
        if (kind === 'full') job.parentBuckets = record.parentBuckets.map((b) => BUCKET_KEY_SUFFIX[b]);
        else if (kind === 'child') expand(job, record, BUCKET_KEYS);
        else if (hasBucketChildren(job)) readAgain(job);
      }
    };
    const onRecords = (kind: ReadKind) => (records: LevelRecord[]) => {
      if (locksLeft > 0) held.push({ records, kind });
      else place(records, kind);
    };
    const out = await trips.run(calls, (i, value) => {
      if (i < aboveAt) {
        lockReplies[i] = value;
        if (--locksLeft === 0) {
          locked = readLocks(lockKeys, lockReplies);
          for (const h of held.splice(0)) place(h.records, h.kind);
        }
      } else if (i < levelAt) aboveLoad!.accept(i - aboveAt, value, onRecords('full'));
      else if (i < briefAt) levelLoad!.accept(i - levelAt, value, onRecords('child'));
      else if (i < pagesAt) briefLoad!.accept(i - briefAt, value, onRecords('brief'));
    });
    const at = pagesAt;
    pages.forEach((p, i) => {
      const page = parseBucketPage(out[at + i]);
      const job = jobs.get(p.parent)!;
      addChildren(job, p.bucket, page.keys);
      if (page.cursor !== '0') toPage.push({ ...p, cursor: page.cursor });
    });
  }
  // A bucket listed over several calls can repeat a key that moved meanwhile (SCAN's rule).
  for (const job of paged) {
    for (const bucket of BUCKET_KEYS) job.children![bucket] = [...new Set(job.children![bucket])];
  }
  return snapshot;
}
