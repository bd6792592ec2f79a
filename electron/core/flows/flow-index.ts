// What a long-lived core remembers of its walks (flow-walk.ts), so the next listing walks only
// what is new: per queue and time-scored set (waiting-children, completed, failed), the range of
// the set already walked (from its newest member down to where the walk stopped) and the flows
// found in it. BullMQ scores those sets by the time a job entered them (added, finished), so
// what came since sits above the range: a listing walks down from the top to the range's top
// (less TOP_MARGIN_MS, for workers whose clocks differ a little), then serves the range from
// memory, and walks further down only when a page goes past it. The cost of a listing is then
// the page, the flows and the jobs new since the last one, whatever the set holds.
//
// A job that left a set is noticed when its flow is read (gone: dropped) or found in another set
// (moved: kept there only). What the margin cannot see (a finish stamped more than
// TOP_MARGIN_MS before the newest already walked: a worker whose clock is behind) shows once the
// index is rebuilt, at the latest after REBUILD_MS. The margin is what each listing walks again:
// at 5,000 finished jobs a second, 10,000 members (~20 ms of Redis). A connection switch starts a
// new index (per client and prefix).
import type { Candidate } from './flow-walk';

/** How far below the newest member walked a listing walks again. */
export const TOP_MARGIN_MS = 2_000;
/** How long an index serves before the next listing walks everything it needs from scratch. */
export const REBUILD_MS = 2 * 60_000;
/** The sets whose scores grow with time (delayed scores are due times, which do not). */
export const INDEXED_SETS = new Set(['waiting-children', 'completed', 'failed']);

export interface SetIndex {
  /** Score (as Redis wrote it) of the newest member walked; undefined before the first walk. */
  top?: string;
  /** Where the walk down goes on (score and ties, as walk-parents.lua takes them). */
  start: string;
  ties: number;
  /** The walk down reached the set's end. */
  done: boolean;
  /** Flows found in the walked range, by key. */
  flows: Map<string, Candidate>;
}

export class FlowIndex {
  private readonly sets = new Map<string, SetIndex>();
  readonly createdAt = Date.now();

  constructor(
    readonly owner: object,
    readonly prefix: string,
  ) {}

  /** The index of one set (an empty one, never walked, the first time). */
  of(queue: string, set: string): SetIndex {
    const id = `${queue}\n${set}`;
    let index = this.sets.get(id);
    if (!index) this.sets.set(id, (index = { start: '+inf', ties: 0, done: false, flows: new Map() }));
    return index;
  }

  /** A flow found in `candidate.set`: no other set of its queue holds it any more. */
  claim(candidate: Candidate): void {
    for (const set of INDEXED_SETS) {
      if (set !== candidate.set) this.sets.get(`${candidate.queue}\n${set}`)?.flows.delete(candidate.key);
    }
  }

  /** A flow read in another state than its set's: that set's entry is stale. */
  drop(candidate: Candidate): void {
    this.sets.get(`${candidate.queue}\n${candidate.set}`)?.flows.delete(candidate.key);
  }

  /** A flow whose job is gone. */
  forget(queue: string, key: string): void {
    for (const set of INDEXED_SETS) this.sets.get(`${queue}\n${set}`)?.flows.delete(key);
  }

  usable(owner: object, prefix: string, now = Date.now()): boolean {
    return owner === this.owner && prefix === this.prefix && now - this.createdAt < REBUILD_MS;
  }
}
