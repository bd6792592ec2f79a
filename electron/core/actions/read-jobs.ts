// Reads jobs for the action planners through the tree loader (../tree/load-level.ts: fields,
// exact state in getStateV2 order, bucket counts; ../tree/children-page.ts: bucket pages), plus
// read-jobs.lua for worker locks, which the tree does not read. One round trip per read.
import type { RedisClient } from '../connection/redis-client';
import type { Bucket, Policy } from '../../../shared/domain';
import { listBucketPage } from '../tree/children-page';
import { LevelLoad, type LevelRecord } from '../tree/load-level';
import { JOB_FIELDS, parseJobHash } from '../tree/parse-job-hash';
import { splitJobKey } from './job-key';
import { luaScript, RoundTrips, type ScriptCall } from '../lua/round-trips';
import readJobsLua from './read-jobs.lua?raw';

// Locks: the tree module has no lock check (a tree shows states, not who holds a job), and the
// planners refuse to touch a job a worker holds.
const READ_LOCKS = luaScript('read-jobs', readJobsLua);
const LOCK_BATCH = 1000;
/** Child keys per bucket page. */
const PAGE = 1000;

/** BullMQ's states, plus `pending` (in a list, or nowhere, and not locked; normal reads only), `unknown` and `missing` (no hash). */
export type ActionJobState =
  | 'completed'
  | 'failed'
  | 'delayed'
  | 'prioritized'
  | 'active'
  | 'waiting'
  | 'waiting-children'
  | 'pending'
  | 'unknown'
  | 'missing';

export interface JobInfo {
  key: string;
  queueKey: string;
  id: string;
  exists: boolean;
  state: ActionJobState;
  locked: boolean;
  name: string;
  timestamp: number;
  finishedOn: number;
  parentKey: string | null;
  policy: Policy;
  counts: { dependencies: number; processed: number; ignored: number; unsuccessful: number };
}

/**
 * How much to read: `exact` reports the list states (active, waiting) as getState does, and a
 * locked job in no state as active; `normal` folds them as the planners want them: a job in no
 * zset state (waiting-children aside) is `active` when locked, else `pending`; `brief` keeps
 * name and timestamps only (state `unknown`, no lock, counts 0).
 */
export type ReadMode = 'normal' | 'exact' | 'brief';

const ZSET_STATES: ReadonlySet<string> = new Set(['completed', 'failed', 'delayed', 'prioritized']);
const AT = Object.fromEntries(JOB_FIELDS.map((name, i) => [name, i])) as Record<(typeof JOB_FIELDS)[number], number>;
const ZERO = { dependencies: 0, processed: 0, ignored: 0, unsuccessful: 0 };

function toInfo(record: LevelRecord, lock: string | undefined, mode: ReadMode): JobInfo {
  const { key, fields } = record;
  const { queueKey, id } = splitJobKey(key);
  const field = (name: (typeof JOB_FIELDS)[number]) => fields[AT[name]] ?? null;
  const number = (name: (typeof JOB_FIELDS)[number]) => Number(field(name) ?? '') || 0;
  const base = { key, queueKey, id, locked: false, parentKey: null, policy: 'none' as Policy, counts: { ...ZERO } };
  // A job is its hash with a name or a timestamp (BullMQ writes both on add).
  if (!queueKey || record.kind !== 'hash' || (field('name') === null && field('timestamp') === null)) {
    return { ...base, exists: false, state: 'missing', name: '', timestamp: 0, finishedOn: 0 };
  }
  const facts = { name: field('name') ?? '', timestamp: number('timestamp'), finishedOn: number('finishedOn') };
  if (mode === 'brief') return { ...base, ...facts, exists: true, state: 'unknown' };
  // Locks only matter outside the zset states: moveToFinished releases it in the same script.
  const locked = lock === '1' && !ZSET_STATES.has(record.state);
  let state: ActionJobState = record.state === 'missing' ? 'unknown' : record.state;
  if (mode === 'exact') {
    if (state === 'unknown' && locked) state = 'active';
  } else if (state === 'active' || state === 'waiting' || state === 'unknown') {
    state = locked ? 'active' : 'pending';
  }
  const c = record.counts;
  return {
    ...base,
    ...facts,
    exists: true,
    state,
    locked,
    parentKey: field('parentKey') || null,
    policy: parseJobHash(fields).policy ?? 'none',
    counts: { dependencies: c.unprocessed, processed: c.processed, ignored: c.ignored, unsuccessful: c.failed },
  };
}

/** Jobs by key (first occurrence order), all in one round trip. */
export async function readJobs(redis: RedisClient, keys: string[], mode: ReadMode = 'normal'): Promise<Map<string, JobInfo>> {
  const out = new Map<string, JobInfo>();
  const unique = [...new Set(keys)];
  if (unique.length === 0) return out;
  // Brief reads want names and times only: no state calls.
  const load = new LevelLoad(unique, 0, false, undefined, mode !== 'brief');
  const lockCalls: ScriptCall[] = [];
  if (mode !== 'brief') {
    for (let i = 0; i < unique.length; i += LOCK_BATCH) {
      lockCalls.push({ script: READ_LOCKS, keys: unique.slice(i, i + LOCK_BATCH), args: [] });
    }
  }
  const replies = await new RoundTrips(redis).run([...load.calls, ...lockCalls]);
  const records = load.decodeAll(replies.slice(0, load.calls.length));
  const locks = replies.slice(load.calls.length).map((r) => (typeof r === 'string' ? r : '')).join('');
  records.forEach((record, i) => out.set(record.key, toInfo(record, locks[i], mode)));
  return out;
}

/** The four buckets by their Redis suffix: dependencies (unprocessed), processed, failed (ignored), unsuccessful (failed). */
export type BucketKey = 'dependencies' | 'processed' | 'failed' | 'unsuccessful';

const TREE_BUCKET: Record<BucketKey, Bucket> = {
  dependencies: 'unprocessed',
  processed: 'processed',
  failed: 'ignored',
  unsuccessful: 'failed',
};

/**
 * Every child in one of a parent's buckets: the keys listed page by page (~1,000 per call, by
 * the tree's list-bucket.lua, so a huge fan-out never holds Redis in one long call; a bucket
 * of the wrong type reads as empty), then the children read with readJobs.
 */
export async function readBucket(
  redis: RedisClient,
  parentKey: string,
  bucket: BucketKey,
  mode: ReadMode = 'normal',
): Promise<Map<string, JobInfo>> {
  const trips = new RoundTrips(redis);
  const keys: string[] = [];
  let cursor = '0';
  do {
    const page = await listBucketPage(trips, parentKey, TREE_BUCKET[bucket], cursor, PAGE);
    keys.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== '0');
  return readJobs(redis, keys, mode);
}

export async function readJob(redis: RedisClient, key: string): Promise<JobInfo> {
  return (await readJobs(redis, [key], 'exact')).get(key)!;
}

/** Any children at all, in any bucket (rdof children excepted: they are in none). */
export function hasBucketChildren(job: JobInfo): boolean {
  const c = job.counts;
  return c.dependencies + c.processed + c.ignored + c.unsuccessful > 0;
}
