// Reads jobs in batches with read-jobs.lua: state, lock, parent link and policy, failure
// fields and bucket sizes; what the planners decide from. One round trip per 1,000 jobs.
import type { Redis } from 'ioredis';
import type { Policy } from '../../../shared/domain';
import { splitJobKey } from './job-key';
import { asStrings, luaScript, runScript } from './lua-script';
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
  failedReason: string;
  hasDeferredFailure: boolean;
  counts: { dependencies: number; processed: number; ignored: number; unsuccessful: number };
}

/** The failure policy from the child's `parent` JSON (fpof, cpof, idof, rdof), as the Lua reads it. */
export function policyOf(parentJson: string): Policy {
  if (!parentJson) return 'none';
  try {
    const p = JSON.parse(parentJson) as Record<string, unknown>;
    if (p.fpof) return 'fail-parent';
    if (p.cpof) return 'continue-parent';
    if (p.idof) return 'ignore';
    if (p.rdof) return 'remove';
  } catch {
    // A `parent` that is not JSON makes BullMQ's own cjson.decode fail; no policy applies.
  }
  return 'none';
}

function parse(key: string, row: unknown): JobInfo {
  const r = asStrings(row);
  const { queueKey, id } = splitJobKey(key);
  const n = (i: number) => Number(r[i]) || 0;
  return {
    key,
    queueKey,
    id,
    exists: r[0] === '1',
    state: (r[1] || 'unknown') as ActionJobState,
    locked: r[2] === '1',
    name: r[3] ?? '',
    timestamp: n(4),
    finishedOn: n(5),
    parentKey: r[6] || null,
    policy: policyOf(r[7] ?? ''),
    failedReason: r[8] ?? '',
    hasDeferredFailure: r[9] === '1',
    counts: { dependencies: n(10), processed: n(11), ignored: n(12), unsuccessful: n(13) },
  };
}

/** Jobs by key. `exact` searches the wait / active lists too (use it for a handful of jobs only). */
export async function readJobs(redis: Redis, keys: string[], exact = false): Promise<Map<string, JobInfo>> {
  const out = new Map<string, JobInfo>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    const reply = await runScript(redis, READ_JOBS, batch, [exact ? '1' : '0']);
    const rows = Array.isArray(reply) ? reply : [];
    batch.forEach((key, j) => out.set(key, parse(key, rows[j])));
  }
  return out;
}

export async function readJob(redis: Redis, key: string): Promise<JobInfo> {
  return (await readJobs(redis, [key], true)).get(key)!;
}

/** Any children at all, in any bucket (rdof children excepted: they are in none). */
export function hasBucketChildren(job: JobInfo): boolean {
  const c = job.counts;
  return c.dependencies + c.processed + c.ignored + c.unsuccessful > 0;
}
