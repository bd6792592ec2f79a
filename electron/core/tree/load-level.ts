// Loads a level of jobs in one round trip: load-level.lua in batches for fields, bucket counts
// and first pages (no single script holds Redis for long), and job-states.lua for the states of
// all the level's jobs, grouped by queue, so that each state list of a queue is read once per
// level rather than once per batch. All calls go out together (level-plan.ts plans them); this
// file puts the replies in order: batches are decoded (level-decode.ts) as their replies
// arrive, in key order, once the states are in.
import type { NodeState } from '../../../shared/domain';
import { decodeJobStates, decodeLevelBatch, NOT_A_JOB_KEY, type LevelRecord } from './level-decode';
import { planLevel, type LevelOptions, type LevelPlan } from './level-plan';
import type { RoundTrips, ScriptCall } from '../lua/round-trips';

export type { BucketPage, LevelRecord } from './level-decode';
export { JOB_STATES_SCRIPT, LOAD_LEVEL, type LevelOptions } from './level-plan';

/**
 * The calls that load `keys` (level-plan.ts) and the decoding of their replies. Feed replies to
 * `accept` in any order: batches come out in key order, each as soon as it and every state
 * reply have arrived.
 */
export class LevelLoad {
  readonly calls: ScriptCall[];
  private readonly plan: LevelPlan;
  private readonly states: NodeState[];
  private readonly stateErrors: (string | undefined)[];
  private statesMissing: number;
  /** Batch replies that came before the states or before an earlier batch. */
  private readonly waiting = new Map<number, unknown>();
  private nextBatch = 0;

  constructor(
    private readonly keys: string[],
    options: LevelOptions,
  ) {
    this.plan = planLevel(keys, options);
    this.calls = this.plan.calls;
    this.states = new Array<NodeState>(keys.length).fill('unknown');
    this.stateErrors = new Array<string | undefined>(keys.length);
    for (const i of this.plan.notJobKeys) this.stateErrors[i] = NOT_A_JOB_KEY;
    this.statesMissing = this.plan.pieces.length;
  }

  /** Takes the reply of calls[index]; hands out each batch that can now be decoded, in order. */
  accept(index: number, value: unknown, emit: (records: LevelRecord[], offset: number) => void): void {
    const role = this.plan.roles[index] ?? { kind: 'batch', index: 0 };
    if (role.kind === 'states') {
      decodeJobStates(value, this.plan.pieces[role.index] ?? [], (first, state, error) => this.setState(first, state, error));
      this.statesMissing--;
    } else {
      this.waiting.set(role.index, value);
    }
    if (this.statesMissing > 0) return;
    const { batchSize, fields } = this.plan;
    while (this.waiting.has(this.nextBatch)) {
      const batch = this.nextBatch++;
      const reply = this.waiting.get(batch);
      this.waiting.delete(batch);
      const from = batch * batchSize;
      const to = Math.min(this.keys.length, from + batchSize);
      emit(decodeLevelBatch(reply, { keys: this.keys, from, to, fields, states: this.states, stateErrors: this.stateErrors }), from);
    }
  }

  /** Decodes all replies at once (replies[i] answers calls[i]). */
  decodeAll(replies: unknown[]): LevelRecord[] {
    const records: LevelRecord[] = [];
    replies.forEach((value, i) => this.accept(i, value, (batch) => records.push(...batch)));
    return records;
  }

  /** A key's state, and that of its repeats later in the list. */
  private setState(first: number, state: NodeState, error: string | undefined): void {
    this.states[first] = state;
    if (error) this.stateErrors[first] = error;
    for (const i of this.plan.repeats.get(first) ?? []) {
      this.states[i] = state;
      if (error) this.stateErrors[i] = error;
    }
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
  const load = new LevelLoad(keys, { pageSize, withParentBucket });
  return load.decodeAll(await trips.run(load.calls));
}

/**
 * Several loads in one round trip, each with its own page size (a live refresh lists the
 * parents it must and reads the rest counts only): records per group, in key order.
 */
export async function loadLevelGroups(
  trips: RoundTrips,
  groups: { keys: string[]; pageSize: number }[],
  withParentBucket = false,
): Promise<LevelRecord[][]> {
  const loads = groups.map((g) => (g.keys.length > 0 ? new LevelLoad(g.keys, { pageSize: g.pageSize, withParentBucket }) : null));
  const calls = loads.flatMap((l) => l?.calls ?? []);
  if (calls.length === 0) return groups.map(() => []);
  const replies = await trips.run(calls);
  let at = 0;
  return loads.map((load) => {
    if (!load) return [];
    const mine = replies.slice(at, (at += load.calls.length));
    return load.decodeAll(mine);
  });
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
  const load = new LevelLoad(keys, { pageSize });
  await trips.run(load.calls, (index, reply) => load.accept(index, reply, onRecords));
}
