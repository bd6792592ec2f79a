// Breadth-first walk down a flow, one load-level round trip per level: every level's jobs are
// loaded together (batched, sent at once, each batch placed as its reply arrives), and their
// first page of each bucket becomes the next level. Each key is visited at most once, so
// cycles and children listed twice cannot loop.
import { BUCKETS, type FlowNode, type TruncatedBucket } from '../../../shared/domain';
import { toFlowNode, type Placement } from './flow-node';
import { streamLevel, type LevelRecord } from './load-level';
import type { RoundTrips } from '../lua/round-trips';

export interface WalkSeed {
  key: string;
  placement: Placement;
}

export interface WalkOptions {
  /** Deepest node depth to load; nodes at this depth get their counts but no children. */
  maxDepth: number;
  pageSize: number;
  /** Stop adding children once this many nodes are loaded; the rest is reported truncated. */
  maxNodes: number;
  /** Keys already placed (the ancestors of the view): listing one of them is a cycle. */
  ancestors: ReadonlySet<string>;
  /** Called before each level below the first is read, with its keys (a live view takes stream positions). */
  beforeLevel?: (keys: string[]) => Promise<void>;
}

export interface WalkResult {
  nodes: FlowNode[];
  truncated: TruncatedBucket[];
}

/** Rounds of re-reads for jobs a call's listing budget cut short (each round lists more of them). */
const MAX_RELIST_ROUNDS = 8;

/**
 * True when the script's listing budget (LIST_BUDGET child keys per call) cut a job's page
 * short: a page holds min(pageSize, total) keys otherwise.
 */
const cutByBudget = (record: LevelRecord, pageSize: number): boolean =>
  pageSize > 0 && BUCKETS.some((b) => record.pages[b].keys.length < Math.min(pageSize, record.counts[b]));

/**
 * Reads a level, placing its records in key order as they arrive; jobs whose listing a call's
 * budget cut short (a level of many parents with many children each) are read again in a
 * further round trip, in smaller calls, rather than shown truncated.
 */
async function readLevel(
  trips: RoundTrips,
  seeds: WalkSeed[],
  pageSize: number,
  place: (records: LevelRecord[], offset: number, seeds: WalkSeed[]) => void,
): Promise<void> {
  let pending = seeds;
  for (let round = 0; pending.length > 0; round++) {
    const current = pending;
    const again: { seed: WalkSeed; record: LevelRecord }[] = [];
    await streamLevel(trips, current.map((s) => s.key), pageSize, (records, offset) => {
      const keep: LevelRecord[] = [];
      const keptSeeds: WalkSeed[] = [];
      records.forEach((record, j) => {
        if (round < MAX_RELIST_ROUNDS && cutByBudget(record, pageSize)) again.push({ seed: current[offset + j]!, record });
        else {
          keep.push(record);
          keptSeeds.push(current[offset + j]!);
        }
      });
      if (keep.length > 0) place(keep, 0, keptSeeds);
    });
    pending = again.map((a) => a.seed);
    // No progress (every job cut again: one job alone lists more than the budget): placed as read, truncated.
    if (again.length === current.length) {
      place(again.map((a) => a.record), 0, pending);
      pending = [];
    }
  }
}

/**
 * Walks from `seeds` (all at the same depth). `firstLevel` may hold their records when the caller
 * fetched them in an earlier round trip.
 */
export async function walkLevels(
  trips: RoundTrips,
  prefix: string,
  seeds: WalkSeed[],
  options: WalkOptions,
  firstLevel?: LevelRecord[],
): Promise<WalkResult> {
  const nodes: FlowNode[] = [];
  const truncated: TruncatedBucket[] = [];
  // key -> the tree parent that listed it first (null for seeds): finds cycles within the view.
  const placedBy = new Map<string, string | null>(seeds.map((s) => [s.key, null]));
  const isAbove = (candidate: string, key: string): boolean => {
    if (options.ancestors.has(candidate)) return true;
    for (let k: string | null | undefined = key; k; k = placedBy.get(k)) if (k === candidate) return true;
    return false;
  };

  let level = seeds;
  let prefetched = firstLevel;
  while (level.length > 0) {
    const current = level;
    const depth = current[0]!.placement.depth;
    const listChildren = depth < options.maxDepth;
    const next: WalkSeed[] = [];
    // Every seed of the level is placed once (some after a re-read); the ones not yet placed are
    // counted against maxNodes too, so listing children never crowds them past the budget.
    let unplaced = current.length;
    const place = (records: LevelRecord[], offset: number, of: WalkSeed[] = current) => {
      records.forEach((record, j) => {
        const node = toFlowNode(prefix, record, of[offset + j]!.placement);
        nodes.push(node);
        unplaced--;
        const problems: string[] = [];
        for (const bucket of BUCKETS) {
          const total = record.counts[bucket];
          const page = record.pages[bucket];
          if (total === 0 && page.keys.length === 0) continue;
          const room = options.maxNodes - nodes.length - unplaced - next.length;
          // Not listed (depth limit, node budget, or the script's listing budget): say so, from the start.
          if (!listChildren || page.keys.length > room || (page.cursor === '0' && page.keys.length < total)) {
            truncated.push({ parentKey: node.key, bucket, shown: 0, total, nextCursor: 0 });
            continue;
          }
          // One placement object for all the children of a bucket (nothing changes it).
          const placement: Placement = { kind: 'child', parentKey: node.key, bucket, depth: depth + 1 };
          for (const childKey of page.keys) {
            if (placedBy.has(childKey) || options.ancestors.has(childKey)) {
              problems.push(
                isAbove(childKey, node.key)
                  ? `cycle: lists its ancestor ${childKey} as a child`
                  : `lists ${childKey}, already listed by ${placedBy.get(childKey) ?? 'another job'}`,
              );
              continue;
            }
            placedBy.set(childKey, node.key);
            next.push({ key: childKey, placement });
          }
          if (page.cursor !== '0') {
            truncated.push({ parentKey: node.key, bucket, shown: page.keys.length, total, nextCursor: Number(page.cursor) });
          }
        }
        if (problems.length > 0) node.error = [node.error, ...problems].filter(Boolean).join('; ');
      });
    };
    if (prefetched) place(prefetched, 0);
    else {
      await options.beforeLevel?.(current.map((s) => s.key));
      await readLevel(trips, current, listChildren ? options.pageSize : 0, place);
    }
    prefetched = undefined;
    level = next;
  }
  return { nodes, truncated };
}
