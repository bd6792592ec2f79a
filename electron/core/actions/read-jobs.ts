// Reads jobs in batches with read-jobs.lua: state, lock, parent link and policy, failure
// fields and bucket sizes; what the planners decide from. One round trip per 1,000 jobs.
import type { Redis } from 'ioredis';
import type { Policy } from '../../../shared/domain';
import { splitJobKey } from './job-key';
import { luaScript, runScripts } from './lua-script';
import readJobsLua from './read-jobs.lua?raw';

const READ_JOBS = luaScript('read-jobs', readJobsLua);
const BATCH = 1000;

/** BullMQ's states, plus `pending` (in a list, not searched), `unknown` (in no set) and `missing` (no hash). */
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

/** The failure policy read-jobs.lua found in the child's `parent` JSON. */
const POLICY_BY_FLAG: Record<string, Policy> = { fpof: 'fail-parent', cpof: 'continue-parent', idof: 'ignore', rdof: 'remove' };

function parse(row: unknown): JobInfo | null {
  if (!Array.isArray(row) || typeof row[0] !== 'string') return null;
  const r = row.map((v) => (v == null ? '' : String(v)));
  const key = r[0]!;
  const { queueKey, id } = splitJobKey(key);
  const n = (i: number) => Number(r[i]) || 0;
  return {
    key,
    queueKey,
    id,
    exists: r[1] === '1',
    state: (r[2] || 'unknown') as ActionJobState,
    locked: r[3] === '1',
    name: r[4] ?? '',
    timestamp: n(5),
    finishedOn: n(6),
    parentKey: r[7] || null,
    policy: POLICY_BY_FLAG[r[8] ?? ''] ?? 'none',
    counts: { dependencies: n(9), processed: n(10), ignored: n(11), unsuccessful: n(12) },
  };
}

function addRows(out: Map<string, JobInfo>, rows: unknown): void {
  if (!Array.isArray(rows)) return; // cjson encodes an empty table as {}
  for (const row of rows) {
    const job = parse(row);
    if (job && !out.has(job.key)) out.set(job.key, job);
  }
}

/**
 * How much to read: `exact` searches the wait / active lists too (a handful of jobs only);
 * `brief` reads name and timestamps only (state `unknown`, counts 0).
 */
export type ReadMode = 'normal' | 'exact' | 'brief';
const MODE_ARG: Record<ReadMode, string> = { normal: '0', exact: '1', brief: 'b' };

/** Jobs by key, in batches of 1,000 per script, all batches in one round trip. */
export async function readJobs(redis: Redis, keys: string[], mode: ReadMode = 'normal'): Promise<Map<string, JobInfo>> {
  const out = new Map<string, JobInfo>();
  const unique = [...new Set(keys)];
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += BATCH) batches.push(unique.slice(i, i + BATCH));
  const replies = await runScripts(redis, READ_JOBS, batches.map((batch) => ({ keys: batch, args: [MODE_ARG[mode]] })));
  for (const reply of replies) addRows(out, typeof reply === 'string' ? JSON.parse(reply) : []);
  return out;
}

/** The four buckets by their Redis suffix: dependencies (unprocessed), processed, failed (ignored), unsuccessful (failed). */
export type BucketKey = 'dependencies' | 'processed' | 'failed' | 'unsuccessful';

/**
 * Every child in one of a parent's buckets, read page by page (~1,000 per script): the script
 * pages the bucket with the SCAN family itself and reads the children it finds, so a huge
 * fan-out never holds Redis in one long call and its keys never travel twice.
 */
export async function readBucket(
  redis: Redis,
  parentKey: string,
  bucket: BucketKey,
  mode: ReadMode = 'normal',
): Promise<Map<string, JobInfo>> {
  const out = new Map<string, JobInfo>();
  let cursor = '0';
  do {
    const reply = await runScripts(redis, READ_JOBS, [{ keys: [parentKey], args: [MODE_ARG[mode], bucket, cursor, BATCH] }]);
    const page = typeof reply[0] === 'string' ? (JSON.parse(reply[0]) as { cursor?: unknown; rows?: unknown }) : {};
    addRows(out, page.rows);
    cursor = typeof page.cursor === 'string' ? page.cursor : '0';
  } while (cursor !== '0');
  return out;
}

export async function readJob(redis: Redis, key: string): Promise<JobInfo> {
  return (await readJobs(redis, [key], 'exact')).get(key)!;
}

/** Any children at all, in any bucket (rdof children excepted: they are in none). */
export function hasBucketChildren(job: JobInfo): boolean {
  const c = job.counts;
  return c.dependencies + c.processed + c.ignored + c.unsuccessful > 0;
}
