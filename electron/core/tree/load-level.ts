// Calls load-level.lua for a list of job keys, in batches so that no single script holds Redis
// for long, all batches in one pipeline (one round trip), and decodes the replies.
import { BUCKETS, type Bucket, type ChildCounts, type NodeState } from '../../../shared/domain';
import listBucketLua from './list-bucket.lua?raw';
import loadLevelLua from './load-level.lua?raw';
import { JOB_FIELDS } from './parse-job-hash';
import { luaScript, type RoundTrips, type ScriptCall } from './round-trips';

export const LOAD_LEVEL = luaScript('load-level', listBucketLua, loadLevelLua);

/**
 * Jobs per script call: ~1,000 keeps one call near 15 ms (about 14 µs a job on Redis 7) while
 * a queue's wait list is read at most once per call; child keys listed per call are capped at
 * LIST_BUDGET for the same reason.
 */
export const LEVEL_BATCH = 1000;
export const LIST_BUDGET = 20_000;

export interface BucketPage {
  /**
   * Where the next page starts; "0" when the listing reached the end of the bucket, or when the
   * bucket was not listed at all (then `keys` is shorter than the bucket's count).
   */
  cursor: string;
  keys: string[];
}

export interface LevelRecord {
  key: string;
  /** Redis type of the job key: `hash` for a job, `none` when it does not exist. */
  kind: string;
  fields: (string | null)[];
  state: NodeState;
  errors: string[];
  counts: ChildCounts;
  pages: Record<Bucket, BucketPage>;
  /** Buckets of the job's own parent that hold it (asked for the root of a view only). */
  parentBuckets: Bucket[];
}

const NO_PAGE: BucketPage = Object.freeze({ cursor: '0', keys: [] }) as BucketPage;

const NODE_STATES: readonly string[] = [
  'completed',
  'failed',
  'active',
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
  'missing',
  'unknown',
];

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
const asStrings = (value: unknown): string[] => asArray(value).flatMap((v) => (typeof v === 'string' ? [v] : []));
const isBucket = (value: unknown): value is Bucket => typeof value === 'string' && (BUCKETS as readonly string[]).includes(value);

export function levelCalls(keys: string[], pageSize: number, withParentBucket: boolean): ScriptCall[] {
  const calls: ScriptCall[] = [];
  for (let i = 0; i < keys.length; i += LEVEL_BATCH) {
    calls.push({
      script: LOAD_LEVEL,
      keys: keys.slice(i, i + LEVEL_BATCH),
      args: [pageSize, withParentBucket ? '1' : '0', LIST_BUDGET],
    });
  }
  return calls;
}

/** Reads load-level.lua's flat per-job array in the order it was written. */
function parseRecord(key: string, raw: unknown): LevelRecord {
  const entry = asArray(raw);
  let at = 0;
  const take = (): unknown => entry[at++];
  const takeCount = (): number => Math.max(0, Number(take()) || 0);
  const takeStrings = (count: number): string[] => {
    const items = entry.slice(at, at + count);
    at += count;
    return asStrings(items);
  };

  const kind = asString(take()) ?? 'none';
  const state = asString(take());
  const fields = entry.slice(at, at + JOB_FIELDS.length).map(asString);
  at += JOB_FIELDS.length;
  const errors = takeStrings(takeCount());
  const parentBuckets = takeStrings(takeCount()).filter(isBucket);
  const counts: ChildCounts = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
  const pages = {} as Record<Bucket, BucketPage>;
  const hasBuckets = take() === 1;
  for (const bucket of BUCKETS) {
    if (hasBuckets) {
      counts[bucket] = takeCount();
      const cursor = asString(take()) ?? '0';
      pages[bucket] = { cursor, keys: takeStrings(takeCount()) };
    } else {
      pages[bucket] = NO_PAGE;
    }
  }
  return {
    key,
    kind,
    fields,
    state: state !== null && NODE_STATES.includes(state) ? (state as NodeState) : 'unknown',
    errors,
    counts,
    pages,
    parentBuckets,
  };
}

/** Decodes the replies of levelCalls(keys, ...), in the same order. */
export function parseLevelReplies(keys: string[], replies: unknown[]): LevelRecord[] {
  const entries = replies.flatMap(asArray);
  return keys.map((key, i) => parseRecord(key, entries[i]));
}

export async function loadLevel(
  trips: RoundTrips,
  keys: string[],
  pageSize: number,
  withParentBucket = false,
): Promise<LevelRecord[]> {
  if (keys.length === 0) return [];
  return parseLevelReplies(keys, await trips.run(levelCalls(keys, pageSize, withParentBucket)));
}
