// The plan of a level load: which load-level.lua batches and job-states.lua calls load a list
// of job keys, in what order they go out, and what each call is (its role), so that the
// replies can be decoded (level-decode.ts) and put back in key order (load-level.ts).
import { splitJobKey } from '../../../shared/job-keys';
import jobStatesLua from './job-states.lua?raw';
import loadLevelLua from './load-level.lua?raw';
import { JOB_FIELDS } from './parse-job-hash';
import { luaScript, type ScriptCall } from '../lua/round-trips';

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

export interface LevelOptions {
  /** Child keys listed per bucket of each job (0 = counts only). */
  pageSize: number;
  /** Also find which buckets of its parent hold each job (the root of a view). Default false. */
  withParentBucket?: boolean;
  /** Job ids per job-states call (default STATE_BATCH). */
  stateBatch?: number;
  /** False when the caller needs no states (they stay `unknown`): no job-states call is sent. Default true. */
  withStates?: boolean;
  /**
   * The hash fields to read, in this order in each record's `fields` (default JOB_FIELDS, what
   * a FlowNode needs); a caller that needs a few small ones of many jobs names them.
   */
  fields?: readonly string[];
}

/** What one call of the plan is: load-level batch `index`, or job-states call `index`. */
export type CallRole = { kind: 'batch'; index: number } | { kind: 'states'; index: number };

/** One group of a job-states call: for each id it sent, the index of the first key with it. */
export type StatePiece = readonly number[];

export interface LevelPlan {
  calls: ScriptCall[];
  /** roles[i] says what calls[i] is. */
  roles: CallRole[];
  /** Keys per load-level batch: batch b holds keys [b * batchSize, (b + 1) * batchSize). */
  batchSize: number;
  /** Per job-states call, its groups in the order of its reply. */
  pieces: StatePiece[][];
  /** Index of a key -> indices of later keys that are the same key (asked once). */
  repeats: Map<number, number[]>;
  /** Indices of the keys that are not job keys (no state is asked for them). */
  notJobKeys: number[];
  fields: readonly string[];
}

function batchSizeOf(count: number): number {
  if (count <= MIN_BATCH) return Math.max(1, count);
  return Math.min(LEVEL_BATCH, Math.max(MIN_BATCH, Math.ceil(count / SPLIT_INTO)));
}

/**
 * The calls that load `keys`. The first load-level batch goes first, so Redis starts on it
 * while the client still writes the rest (a job-states call of thousands of ids takes a few ms
 * to write); then the job-states calls, then the other batches.
 */
export function planLevel(keys: readonly string[], options: LevelOptions): LevelPlan {
  const fields = options.fields ?? JOB_FIELDS;
  const batchSize = batchSizeOf(keys.length);
  const args = [options.pageSize, options.withParentBucket ? '1' : '0', LIST_BUDGET, ...(fields === JOB_FIELDS ? [] : [fields.join(',')])];
  const plan: LevelPlan = { calls: [], roles: [], batchSize, pieces: [], repeats: new Map(), notJobKeys: [], fields };
  const states = options.withStates === false ? [] : planStates(keys, options.stateBatch ?? STATE_BATCH, plan);
  for (let b = 0; b * batchSize < keys.length; b++) {
    plan.calls.push({ script: LOAD_LEVEL, keys: keys.slice(b * batchSize, (b + 1) * batchSize), args: [...args] });
    plan.roles.push({ kind: 'batch', index: b });
    if (b === 0) {
      states.forEach((call, k) => {
        plan.calls.push(call);
        plan.roles.push({ kind: 'states', index: k });
      });
    }
  }
  return plan;
}

// Groups the ids by queue key (the key minus its last ":id"), in order of first appearance,
// stateBatch ids per call at most (a bigger group goes on in the next call, which reads that
// queue's lists again: each call's states are those of one instant).
function planStates(keys: readonly string[], stateBatch: number, plan: LevelPlan): ScriptCall[] {
  // queueKey -> id -> index of the first key with that id (a key listed twice is asked once;
  // the later copies are in plan.repeats)
  const groups = new Map<string, Map<string, number>>();
  keys.forEach((key, i) => {
    const { queueKey, id } = splitJobKey(key);
    if (!queueKey) {
      plan.notJobKeys.push(i);
      return;
    }
    let group = groups.get(queueKey);
    if (!group) groups.set(queueKey, (group = new Map()));
    const first = group.get(id);
    if (first === undefined) group.set(id, i);
    else plan.repeats.set(first, [...(plan.repeats.get(first) ?? []), i]);
  });
  const calls: ScriptCall[] = [];
  let room = 0;
  for (const [queueKey, group] of groups) {
    const ids = [...group.keys()];
    const firsts = [...group.values()];
    for (let from = 0; from < ids.length; ) {
      if (room === 0) {
        calls.push({ script: JOB_STATES_SCRIPT, keys: [keys[firsts[from]!]!], args: [] });
        plan.pieces.push([]);
        room = Math.max(1, stateBatch);
      }
      const take = Math.min(room, ids.length - from);
      calls[calls.length - 1]!.args.push(queueKey, take, ...ids.slice(from, from + take));
      plan.pieces[plan.pieces.length - 1]!.push(firsts.slice(from, from + take));
      room -= take;
      from += take;
    }
  }
  return calls;
}
