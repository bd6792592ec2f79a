// Calls load-level.lua for a list of job keys, in batches so that no single script holds Redis
// for long, all batches sent together (one round trip), and decodes the replies.
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

/** Reads load-level.lua's flat batch reply, one job after another, in the order it was written. */
class ReplyReader {
  private at = 0;

  constructor(private readonly items: unknown[]) {}

  take(): unknown {
    return this.items[this.at++];
  }

  count(): number {
    return Math.max(0, Number(this.take()) || 0);
  }

  strings(count: number): string[] {
    const out = asStrings(this.items.slice(this.at, this.at + count));
    this.at += count;
    return out;
  }

  record(key: string): LevelRecord {
    const head = asString(this.take()) ?? '';
    const parts = head.split('\0');
    const [kind = 'none', state = 'unknown', meta = ''] = parts;
    const [mask = 0, errorCount = 0, holdingCount = 0, hasPages = 0] = meta.split(',').map((v) => Number(v) || 0);
    const errors: string[] = [];
    let fields: (string | null)[];
    if (parts.length === 3 + JOB_FIELDS.length) {
      fields = JOB_FIELDS.map((_, j) => (mask & (1 << j) ? parts[3 + j]! : null));
    } else {
      // A NUL byte inside a field shifts the split: the fields cannot be told apart.
      fields = JOB_FIELDS.map(() => null);
      errors.push('job hash fields contain NUL bytes; not decoded');
    }
    errors.unshift(...this.strings(errorCount));
    const parentBuckets = this.strings(holdingCount).filter(isBucket);
    const counts: ChildCounts = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
    const pages = {} as Record<Bucket, BucketPage>;
    for (const bucket of BUCKETS) {
      if (hasPages) {
        counts[bucket] = this.count();
        const cursor = asString(this.take()) ?? '0';
        pages[bucket] = { cursor, keys: this.strings(this.count()) };
      } else {
        pages[bucket] = NO_PAGE;
      }
    }
    return {
      key,
      kind,
      fields,
      state: NODE_STATES.includes(state) ? (state as NodeState) : 'unknown',
      errors,
      counts,
      pages,
      parentBuckets,
    };
  }
}

/** Decodes the reply of batch `batch` of levelCalls(keys, ...). */
export function parseBatch(keys: string[], batch: number, reply: unknown): LevelRecord[] {
  const reader = new ReplyReader(asArray(reply));
  const end = Math.min(keys.length, (batch + 1) * LEVEL_BATCH);
  const records: LevelRecord[] = [];
  for (let i = batch * LEVEL_BATCH; i < end; i++) records.push(reader.record(keys[i]!));
  return records;
}

/** Decodes all replies of levelCalls(keys, ...), in the same order. */
export function parseLevelReplies(keys: string[], replies: unknown[]): LevelRecord[] {
  return replies.flatMap((reply, batch) => parseBatch(keys, batch, reply));
}

/** Loads `keys` in one round trip (batched), records in key order. */
export async function loadLevel(
  trips: RoundTrips,
  keys: string[],
  pageSize: number,
  withParentBucket = false,
): Promise<LevelRecord[]> {
  if (keys.length === 0) return [];
  return parseLevelReplies(keys, await trips.run(levelCalls(keys, pageSize, withParentBucket)));
}

/**
 * Like loadLevel, but hands the records to `onRecords` batch by batch, in key order (`offset` =
 * index of the batch's first key), as the replies arrive: the caller works on one batch while
 * Redis runs the next.
 */
export async function streamLevel(
  trips: RoundTrips,
  keys: string[],
  pageSize: number,
  onRecords: (records: LevelRecord[], offset: number) => void,
): Promise<void> {
  if (keys.length === 0) return;
  const arrived = new Map<number, LevelRecord[]>();
  let next = 0;
  await trips.run(levelCalls(keys, pageSize, false), (batch, reply) => {
    arrived.set(batch, parseBatch(keys, batch, reply));
    for (let records = arrived.get(next); records; records = arrived.get(next)) {
      arrived.delete(next);
      onRecords(records, next * LEVEL_BATCH);
      next++;
    }
  });
}
