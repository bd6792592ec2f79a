// Loads a level of jobs in one round trip: load-level.lua in batches for fields, bucket counts
// and first pages (no single script holds Redis for long), and job-states.lua for the states of
// all the level's jobs, grouped by queue, so that each state list of a queue is read once per
// level rather than once per batch. All calls go out together; batches are decoded as their
// replies arrive, once the states are in.
import { BUCKETS, type Bucket, type ChildCounts, type NodeState } from '../../../shared/domain';
import { splitJobKey } from '../../../shared/job-keys';
import jobStatesLua from './job-states.lua?raw';
import loadLevelLua from './load-level.lua?raw';
import { JOB_FIELDS } from './parse-job-hash';
import { luaScript, type RoundTrips, type ScriptCall } from '../lua/round-trips';

export const LOAD_LEVEL = luaScript('load-level', loadLevelLua);
export const JOB_STATES_SCRIPT = luaScript('job-states', jobStatesLua);

/**
 * Jobs per load-level call: 500 keeps a call near 5 ms (about 10 µs a job on Redis 7, more for
 * a parent whose children it lists); child keys listed per call are capped at LIST_BUDGET for
 * the same reason. A smaller level is still cut in up to SPLIT_INTO batches (of at least
 * MIN_BATCH jobs) so that the client decodes one batch while Redis runs the next.
 */
export const LEVEL_BATCH = 500;
export const MIN_BATCH = 50;
const SPLIT_INTO = 4;
export const LIST_BUDGET = 20_000;
/** Job ids per job-states call: about 1 µs each, plus one read of each long state list. */
export const STATE_BATCH = 10_000;

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

const NO_PAGE: BucketPage = Object.freeze({ cursor: '0', keys: [] }) as BucketPage;
const NO_PAGES: Record<Bucket, BucketPage> = Object.freeze({
  processed: NO_PAGE,
  unprocessed: NO_PAGE,
  failed: NO_PAGE,
  ignored: NO_PAGE,
});
const NOT_A_JOB_KEY = 'not a job key (prefix:queue:id)';

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

function batchSizeOf(count: number): number {
  if (count <= MIN_BATCH) return Math.max(1, count);
  return Math.min(LEVEL_BATCH, Math.max(MIN_BATCH, Math.ceil(count / SPLIT_INTO)));
}

/** One group of job-states call `call`: for each id it sent, the index of the first key with it. */
interface StatePiece {
  call: number;
  keys: number[];
}

/**
 * The calls that load `keys` and the decoding of their replies. The first load-level batch goes
 * first, so Redis starts on it while the client still writes the rest (a job-states call of
 * thousands of ids takes a few ms to write); then the job-states calls, then the other batches.
 * Feed replies to `accept` in any order: batches come out in key order, each as soon as it and
 * every state reply have arrived.
 */
export class LevelLoad {
  readonly calls: ScriptCall[] = [];
  /** For each call: the load-level batch b it is (b >= 0), or -1 - k for job-states call k. */
  private readonly roles: number[] = [];
  private readonly batchSize: number;
  private readonly pieces: StatePiece[] = [];
  /** Index of a key -> indices of later keys that are the same key. */
  private readonly repeats = new Map<number, number[]>();
  private readonly states: NodeState[];
  private readonly stateErrors: (string | undefined)[];
  private statesMissing: number;
  private readonly waiting = new Map<number, unknown>();
  private nextBatch = 0;

  constructor(
    private readonly keys: string[],
    pageSize: number,
    withParentBucket: boolean,
    private readonly stateBatch = STATE_BATCH,
    /** False when the caller needs no states (they stay `unknown`): the job-states calls are not sent. */
    withStates = true,
    /**
     * The hash fields to read, in this order in each record's `fields` (default JOB_FIELDS, what
     * a FlowNode needs); a caller that needs a few small ones of many jobs names them.
     */
    private readonly fieldNames: readonly string[] = JOB_FIELDS,
  ) {
    const n = keys.length;
    this.states = new Array<NodeState>(n).fill('unknown');
    this.stateErrors = new Array<string | undefined>(n);
    this.batchSize = batchSizeOf(n);
    const batches: ScriptCall[] = [];
    for (let i = 0; i < n; i += this.batchSize) {
      batches.push({
        script: LOAD_LEVEL,
        keys: keys.slice(i, i + this.batchSize),
        args: [pageSize, withParentBucket ? '1' : '0', LIST_BUDGET, ...(fieldNames === JOB_FIELDS ? [] : [fieldNames.join(',')])],
      });
    }
    const states = withStates ? this.planStates() : [];
    this.statesMissing = states.length;
    batches.forEach((batch, b) => {
      this.calls.push(batch);
      this.roles.push(b);
      if (b === 0) {
        states.forEach((call, k) => {
          this.calls.push(call);
          this.roles.push(-1 - k);
        });
      }
    });
  }

  // Groups the ids by queue key (the key minus its last ":id"), in order of first appearance,
  // stateBatch ids per call at most (a bigger group goes on in the next call, which reads that
  // queue's lists again: each call's states are those of one instant).
  private planStates(): ScriptCall[] {
    // queueKey -> id -> index of the first key with that id (a key listed twice is asked once;
    // the later copies are in this.repeats)
    const groups = new Map<string, Map<string, number>>();
    this.keys.forEach((key, i) => {
      const { queueKey, id } = splitJobKey(key);
      if (!queueKey) {
        this.stateErrors[i] = NOT_A_JOB_KEY;
        return;
      }
      let group = groups.get(queueKey);
      if (!group) groups.set(queueKey, (group = new Map()));
      const first = group.get(id);
      if (first === undefined) group.set(id, i);
      else this.repeats.set(first, [...(this.repeats.get(first) ?? []), i]);
    });
    const calls: ScriptCall[] = [];
    let room = 0;
    for (const [queueKey, group] of groups) {
      const ids = [...group.keys()];
      const firsts = [...group.values()];
      for (let from = 0; from < ids.length; ) {
        if (room === 0) {
          calls.push({ script: JOB_STATES_SCRIPT, keys: [this.keys[firsts[from]!]!], args: [] });
          room = Math.max(1, this.stateBatch);
        }
        const take = Math.min(room, ids.length - from);
        calls[calls.length - 1]!.args.push(queueKey, take, ...ids.slice(from, from + take));
        this.pieces.push({ call: calls.length - 1, keys: firsts.slice(from, from + take) });
        room -= take;
        from += take;
      }
    }
    return calls;
  }

  /** Takes the reply of calls[index]; hands out each batch that can now be decoded, in order. */
  accept(index: number, value: unknown, emit: (records: LevelRecord[], offset: number) => void): void {
    const role = this.roles[index] ?? 0;
    if (role < 0) {
      this.readStates(-1 - role, value);
      this.statesMissing--;
    } else {
      this.waiting.set(role, value);
    }
    if (this.statesMissing > 0) return;
    while (this.waiting.has(this.nextBatch)) {
      const batch = this.nextBatch++;
      const reply = this.waiting.get(batch);
      this.waiting.delete(batch);
      emit(this.parseBatch(batch, reply), batch * this.batchSize);
    }
  }

  /** Decodes all replies at once (replies[i] answers calls[i]). */
  decodeAll(replies: unknown[]): LevelRecord[] {
    const records: LevelRecord[] = [];
    replies.forEach((value, i) => this.accept(i, value, (batch) => records.push(...batch)));
    return records;
  }

  private readStates(call: number, value: unknown): void {
    const reply = asArray(value);
    let at = 0;
    for (const piece of this.pieces) {
      if (piece.call !== call) continue;
      const codes = asString(reply[at]) ?? '';
      const error = asString(reply[at + 1]) ?? '';
      at += 2;
      piece.keys.forEach((first, j) => {
        const code = codes[j] ?? 'u';
        const state = STATE_OF_CODE[code] ?? 'unknown';
        for (const i of [first, ...(this.repeats.get(first) ?? [])]) {
          this.states[i] = state;
          if (code === 'x' && error) this.stateErrors[i] = error;
        }
      });
    }
  }

  private parseBatch(batch: number, reply: unknown): LevelRecord[] {
    const items = asArray(reply);
    const end = Math.min(this.keys.length, (batch + 1) * this.batchSize);
    const records: LevelRecord[] = [];
    let at = 0;
    const count = () => Math.max(0, Number(items[at++]) || 0);
    const strings = (k: number): string[] => {
      const out: string[] = [];
      for (let j = at; j < at + k && j < items.length; j++) if (typeof items[j] === 'string') out.push(items[j] as string);
      at += k;
      return out;
    };
    for (let i = batch * this.batchSize; i < end; i++) {
      // [kind, meta, ...fields]: the array becomes `fields` once kind and meta are taken off.
      const parts: (string | null)[] = (asString(items[at++]) ?? '').split('\0');
      const kind = parts[0] ?? 'none';
      const [mask, errorCount, holdingCount, hasPages] = metaOf(parts[1] ?? '');
      const errors = errorCount > 0 ? strings(errorCount) : [];
      let fields: (string | null)[];
      const fieldCount = this.fieldNames.length;
      if (parts.length === 2 + fieldCount) {
        parts.splice(0, 2);
        fields = parts;
        for (let j = 0; j < fieldCount; j++) if (!(mask & (1 << j))) fields[j] = null;
      } else {
        // A NUL byte inside a field shifts the split: the fields cannot be told apart.
        fields = this.fieldNames.map(() => null);
        errors.push('job hash fields contain NUL bytes; not decoded');
      }
      let state: NodeState = 'missing';
      if (kind !== 'none') {
        state = this.states[i]!;
        const stateError = this.stateErrors[i];
        // Where load-level.lua used to note it: after the job key's own type error, if any.
        if (stateError) errors.splice(kind === 'hash' ? 0 : 1, 0, stateError);
      }
      const parentBuckets = holdingCount > 0 ? strings(holdingCount).filter(isBucket) : [];
      let counts: ChildCounts;
      let pages: Record<Bucket, BucketPage>;
      if (hasPages) {
        counts = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
        pages = {} as Record<Bucket, BucketPage>;
        for (const bucket of BUCKETS) {
          counts[bucket] = count();
          const cursor = asString(items[at++]) ?? '0';
          pages[bucket] = { cursor, keys: strings(count()) };
        }
      } else {
        counts = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
        pages = NO_PAGES;
      }
      records.push({ key: this.keys[i]!, kind, fields, state, errors, counts, pages, parentBuckets });
    }
    return records;
  }
}

/** Loads `keys` in one round trip (batched), records in key order. */
export async function loadLevel(
  trips: RoundTrips,
  keys: string[],
  pageSize: number,
  withParentBucket = false,
): Promise<LevelRecord[]> {
  if (keys.length === 0) return [];
  const load = new LevelLoad(keys, pageSize, withParentBucket);
  return load.decodeAll(await trips.run(load.calls));
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
  const load = new LevelLoad(keys, pageSize, false);
  await trips.run(load.calls, (index, reply) => load.accept(index, reply, onRecords));
}
