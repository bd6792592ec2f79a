// The decoders of a level load's replies, pure functions: a job-states.lua reply into a state
// per key, a load-level.lua batch reply into records (LevelRecord) once the states are known.
import { BUCKETS, type Bucket, type ChildCounts, type NodeState } from '../../../shared/domain';
import type { StatePiece } from './level-plan';

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
  /** The hash's values in the load's field order (JOB_FIELDS unless the caller named others); null where absent. */
  fields: (string | null)[];
  state: NodeState;
  errors: string[];
  counts: ChildCounts;
  pages: Record<Bucket, BucketPage>;
  /** Buckets of the job's own parent that hold it (asked for the root of a view only). */
  parentBuckets: Bucket[];
}

/** The state error of a key that is not P:Q:id (no state is asked for it). */
export const NOT_A_JOB_KEY = 'not a job key (prefix:queue:id)';

const NO_PAGE: BucketPage = Object.freeze({ cursor: '0', keys: [] }) as BucketPage;
const NO_PAGES: Record<Bucket, BucketPage> = Object.freeze({
  processed: NO_PAGE,
  unprocessed: NO_PAGE,
  failed: NO_PAGE,
  ignored: NO_PAGE,
});

/** job-states.lua's one-character codes. */
const STATE_OF_CODE: Record<string, NodeState> = {
  c: 'completed',
  f: 'failed',
  d: 'delayed',
  p: 'prioritized',
  a: 'active',
  w: 'waiting',
  W: 'waiting-children',
  u: 'unknown',
  x: 'unknown',
};

type Meta = readonly [mask: number, errors: number, parentBuckets: number, hasPages: boolean];
const metas = new Map<string, Meta>(); // the few distinct metas of a level, parsed once

/** load-level.lua's "<mask>,<#errors>,<#parent buckets>,<1 if pages follow>". */
function metaOf(text: string): Meta {
  let meta = metas.get(text);
  if (!meta) {
    const [mask, errors, holding, pages] = text.split(',').map((v) => Number(v) || 0);
    meta = [mask ?? 0, errors ?? 0, holding ?? 0, pages === 1];
    if (metas.size >= 1024) metas.clear();
    metas.set(text, meta);
  }
  return meta;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
const isBucket = (value: unknown): value is Bucket => typeof value === 'string' && (BUCKETS as readonly string[]).includes(value);

/**
 * Decodes a job-states.lua reply to a call of these groups (`pieces`, in reply order): hands
 * `found` each key index asked, its state and, for a state the script could not read, its error.
 */
export function decodeJobStates(
  value: unknown,
  pieces: readonly StatePiece[],
  found: (keyIndex: number, state: NodeState, error: string | undefined) => void,
): void {
  const reply = asArray(value);
  let at = 0;
  for (const piece of pieces) {
    const codes = asString(reply[at]) ?? '';
    const error = asString(reply[at + 1]) ?? '';
    at += 2;
    piece.forEach((keyIndex, j) => {
      const code = codes[j] ?? 'u';
      found(keyIndex, STATE_OF_CODE[code] ?? 'unknown', code === 'x' && error ? error : undefined);
    });
  }
}

/** What a load-level.lua batch reply is decoded with: its keys and what is known of them. */
export interface BatchContext {
  /** The load's keys; the batch holds keys[from] to keys[to - 1]. */
  keys: readonly string[];
  from: number;
  to: number;
  /** The hash fields the batch read, in order. */
  fields: readonly string[];
  /** States and state errors by key index (from the job-states replies). */
  states: readonly NodeState[];
  stateErrors: readonly (string | undefined)[];
}

/** Decodes a load-level.lua batch reply (laid out at the end of load-level.lua) into records, in key order. */
export function decodeLevelBatch(reply: unknown, batch: BatchContext): LevelRecord[] {
  const items = asArray(reply);
  const records: LevelRecord[] = [];
  let at = 0;
  const count = () => Math.max(0, Number(items[at++]) || 0);
  const strings = (k: number): string[] => {
    const out: string[] = [];
    for (let j = at; j < at + k && j < items.length; j++) if (typeof items[j] === 'string') out.push(items[j] as string);
    at += k;
    return out;
  };
  const fieldCount = batch.fields.length;
  for (let i = batch.from; i < batch.to; i++) {
    // [kind, meta, ...fields]: the array becomes `fields` once kind and meta are taken off.
    const parts: (string | null)[] = (asString(items[at++]) ?? '').split('\0');
    const kind = parts[0] ?? 'none';
    const [mask, errorCount, holdingCount, hasPages] = metaOf(parts[1] ?? '');
    const errors = errorCount > 0 ? strings(errorCount) : [];
    let fields: (string | null)[];
    if (parts.length === 2 + fieldCount) {
      parts.splice(0, 2);
      fields = parts;
      for (let j = 0; j < fieldCount; j++) if (!(mask & (1 << j))) fields[j] = null;
    } else {
      // A NUL byte inside a field shifts the split: the fields cannot be told apart.
      fields = batch.fields.map(() => null);
      errors.push('job hash fields contain NUL bytes; not decoded');
    }
    let state: NodeState = 'missing';
    if (kind !== 'none') {
      state = batch.states[i]!;
      const stateError = batch.stateErrors[i];
      // Where load-level.lua used to note it: after the job key's own type error, if any.
      if (stateError) errors.splice(kind === 'hash' ? 0 : 1, 0, stateError);
    }
    const parentBuckets = holdingCount > 0 ? strings(holdingCount).filter(isBucket) : [];
    const counts: ChildCounts = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
    let pages = NO_PAGES;
    if (hasPages) {
      pages = {} as Record<Bucket, BucketPage>;
      for (const bucket of BUCKETS) {
        counts[bucket] = count();
        const cursor = asString(items[at++]) ?? '0';
        pages[bucket] = { cursor, keys: strings(count()) };
      }
    }
    records.push({ key: batch.keys[i]!, kind, fields, state, errors, counts, pages, parentBuckets });
  }
  return records;
}
