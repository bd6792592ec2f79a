// The flow list's source of candidates: the queues' own state sets, walked from their newest
// end by walk-parents.lua, which keeps only the jobs that have children (roots, and any parent
// in waiting-children). Several sets (and queues) are merged newest first: by the score of
// the set (the time a job entered waiting-children, finished in completed or failed, is due in
// delayed); jobs in wait, paused, active and prioritized have no time of their own there and
// come first, set by set. A walk costs what it examines (the page, the flows, and the plain
// jobs between them), never what the prefix holds: no SCAN.
//
// Cursor between pages: where the merge stopped, as the recency of the last flow handed out
// and the flows already handed out at exactly that recency (or, among the timeless sets, the
// set and index to go on from); the next page walks again from there.
import { createHash } from 'node:crypto';
import type { JobState } from '../../../shared/domain';
import { luaScript, type RoundTrips } from '../lua/round-trips';
import { INDEXED_SETS, TOP_MARGIN_MS, type FlowIndex, type SetIndex } from './flow-index';
import walkParentsLua from './walk-parents.lua?raw';

const WALK_PARENTS = luaScript('walk-parents', walkParentsLua);
/** Members one walk-parents call examines: about 2 µs each, so a call stays near 10 ms. */
export const WALK_BUDGET = 5000;

type How = 'score' | 'rank' | 'list';

interface SetSpec {
  set: string;
  how: How;
  /** Parents with a parent of their own are listed from this set too. */
  anyParent: boolean;
  /** What a score of this set means in ms (delayed scores are due time * 4096 + a counter). */
  scale: number;
  states: JobState[];
}

/** In merge order for the timeless sets (those come first); the scored ones merge by time. */
const SETS: SetSpec[] = [
  { set: 'active', how: 'list', anyParent: false, scale: 1, states: ['active'] },
  { set: 'wait', how: 'list', anyParent: false, scale: 1, states: ['waiting'] },
  { set: 'paused', how: 'list', anyParent: false, scale: 1, states: ['waiting'] },
  { set: 'prioritized', how: 'rank', anyParent: false, scale: 1, states: ['prioritized'] },
  { set: 'delayed', how: 'score', anyParent: false, scale: 4096, states: ['delayed'] },
  { set: 'waiting-children', how: 'score', anyParent: true, scale: 1, states: ['waiting-children'] },
  { set: 'completed', how: 'score', anyParent: false, scale: 1, states: ['completed'] },
  { set: 'failed', how: 'score', anyParent: false, scale: 1, states: ['failed'] },
];

export interface WalkCursor {
  /** Recency (ms) of the last flow handed out; absent while still among the timeless sets. */
  r?: number;
  /** The flows handed out at exactly `r`, as short digests of their keys (seenTag). */
  seen?: string[];
  /** Among the timeless sets: the queue and set to go on from, and the index in it. */
  at?: [queue: string, set: string, index: number];
}

export interface Candidate {
  key: string;
  queue: string;
  set: string;
  /** ms for scored sets, Infinity for the timeless ones. */
  recency: number;
  /** Index after it in its set (timeless sets only). */
  index: number;
}

interface Source {
  queue: string;
  spec: SetSpec;
  order: number;
  start: string;
  ties: number;
  done: boolean;
  /** Recency of the last member examined: nothing newer is left unexamined in this source. */
  frontier: number;
  buffer: Candidate[];
  /** What a long-lived core already walked of this set (flow-index.ts), when it covers where this walk starts. */
  index?: SetIndex;
}

// A test seam: exported for test/unit/flow-walk-cursor.test.ts.
/**
 * Flows handed out at one recency (the same ms) that a cursor remembers: beyond this many, the
 * next page may repeat some of them (the cursor stays well under the contract's 4,096 characters).
 */
export const MAX_SEEN = 200;

// A test seam: exported for test/unit/flow-walk-cursor.test.ts.
/** A key's short digest for a cursor: 48 bits of its SHA-1, so that a cursor stays small whatever the keys. */
export function seenTag(key: string): string {
  return createHash('sha1').update(key).digest().subarray(0, 6).toString('base64url');
}

export function encodeWalkCursor(cursor: WalkCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** A cursor this walk wrote; anything else starts from the top (a stale or foreign cursor is not an error). */
export function decodeWalkCursor(text: string | undefined): WalkCursor {
  if (!text) return {};
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as WalkCursor;
    if (typeof value !== 'object' || value === null) return {};
    const cursor: WalkCursor = {};
    if (typeof value.r === 'number' && Number.isFinite(value.r)) cursor.r = value.r;
    if (Array.isArray(value.seen)) cursor.seen = value.seen.filter((k): k is string => typeof k === 'string').slice(0, MAX_SEEN);
    if (Array.isArray(value.at) && typeof value.at[0] === 'string' && typeof value.at[1] === 'string' && Number.isSafeInteger(value.at[2])) {
      cursor.at = [value.at[0], value.at[1], Math.max(0, value.at[2])];
    }
    return cursor;
  } catch {
    return {};
  }
}

/**
 * Flows of `queues` newest first, from `cursor` on, one candidate at a time (`next`), reading
 * the sets in calls of WALK_BUDGET members, all the sets that need reading in one round trip.
 */
export class FlowWalk {
  private readonly sources: Source[] = [];
  private readonly seen: Set<string>;
  private readonly emitted = new Set<string>();
  private readonly cursorR: number | undefined;
  private prepared = false;

  constructor(
    private readonly trips: RoundTrips,
    private readonly prefix: string,
    queues: readonly string[],
    state: JobState | undefined,
    cursor: WalkCursor,
    /** Members examined per call (tests use a small one). */
    private readonly budget = WALK_BUDGET,
    /** What earlier walks of this core found; updated by this one. */
    private readonly index?: FlowIndex,
  ) {
    this.seen = new Set(cursor.seen ?? []);
    this.cursorR = cursor.r;
    const sorted = [...queues].sort();
    const specs = SETS.filter((s) => !state || s.states.includes(state));
    // Timeless sets first, set by set in SETS order, each across the queues (that is their merge order).
    for (const spec of specs) {
      for (const queue of sorted) {
        const order = this.sources.length;
        const source: Source = { queue, spec, order, start: spec.how === 'score' ? '+inf' : '0', ties: 0, done: false, frontier: Infinity, buffer: [] };
        if (spec.how === 'score') {
          const known = index && INDEXED_SETS.has(spec.set) ? index.of(queue, spec.set) : undefined;
          if (cursor.r !== undefined) {
            // Resume at the last recency handed out (inclusive; flows seen there are skipped).
            source.start = String(spec.scale === 1 ? cursor.r : (cursor.r + 1) * spec.scale - 1);
            source.frontier = cursor.r;
            if (known?.top !== undefined && (known.done || scoreRecency(known.start, spec.scale) <= cursor.r)) source.index = known;
          } else if (known) {
            source.index = known;
          }
        } else if (cursor.r !== undefined) {
          source.done = true; // the merge was already past every timeless set
        } else if (cursor.at) {
          const [atQueue, atSet] = cursor.at;
          const here = compareSource(queue, spec.set, atQueue, atSet);
          if (here < 0) source.done = true;
          else if (here === 0) source.start = String(cursor.at[2]);
        }
        this.sources.push(source);
      }
    }
  }

  /** The next flow, newest first; undefined when every set is walked to its end. */
  async next(): Promise<Candidate | undefined> {
    if (!this.prepared) await this.prepare();
    for (;;) {
      let best: Source | undefined;
      for (const s of this.sources) {
        const head = s.buffer[0];
        if (head && (!best || head.recency > best.buffer[0]!.recency)) best = s;
      }
      // A source not read far enough may still hold something newer than the best in hand (or as
      // new, and ahead of it in the merge order): read those first.
      const bestRecency = best ? best.buffer[0]!.recency : -Infinity;
      const pending = this.sources.filter(
        (s) => !s.done && s.buffer.length === 0 && (s.frontier > bestRecency || (!!best && s.frontier === bestRecency && s.order < best.order)),
      );
      if (pending.length === 0) {
        if (!best) return undefined;
        const next = best.buffer.shift()!;
        // A flow held by two sets (an indexed one that it left, and the one it is in now) goes out once.
        if (this.emitted.has(next.key)) continue;
        this.emitted.add(next.key);
        return next;
      }
      await this.read(pending);
    }
  }

  /** Handed out by an earlier page at the cursor's recency. */
  private isSeen(key: string): boolean {
    return this.seen.size > 0 && this.seen.has(seenTag(key));
  }

  /** The cursor for a next page that starts right after `last`. */
  cursorAfter(last: Candidate, before: WalkCursor, handedOut: Candidate[]): WalkCursor {
    if (last.recency === Infinity) return { at: [last.queue, last.set, last.index] };
    const seen = handedOut.filter((c) => c.recency === last.recency).map((c) => seenTag(c.key));
    if (before.r === last.recency) seen.push(...(before.seen ?? []));
    return { r: last.recency, seen: [...new Set(seen)].slice(0, MAX_SEEN) };
  }

  /**
   * With an index: first what came since its last walk (from the top of each indexed set down to
   * the newest member it walked, less TOP_MARGIN_MS), then its flows as each source's first buffer.
   */
  private async prepare(): Promise<void> {
    this.prepared = true;
    const indexed = this.sources.filter((s) => s.index);
    // A set walked to its end while it was empty has no top: all it holds now came since.
    const tops = indexed
      .filter((s) => s.index!.top !== undefined || s.index!.done)
      .map((s) => {
        const top = s.index!.top;
        const lowest = top === undefined ? '-inf' : String(Number(top) - TOP_MARGIN_MS * s.spec.scale);
        return { s, index: s.index!, start: '+inf', ties: 0, done: false, lowest };
      });
    while (tops.some((t) => !t.done)) {
      const pending = tops.filter((t) => !t.done);
      const replies = await this.trips.run(pending.map((t) => this.call(t.s, t.start, t.ties, t.lowest)));
      pending.forEach((t, i) => {
        const reply = replies[i] as unknown[];
        t.done = Number(reply[0]) === 1;
        t.start = String(reply[1]);
        t.ties = Number(reply[2]);
        const top = String(reply[3]);
        if (top !== '' && (t.index.top === undefined || Number(top) > Number(t.index.top))) t.index.top = top;
        for (const found of this.found(t.s, reply)) this.remember(t.index, found);
      });
    }
    const upTo = this.cursorR ?? Infinity;
    for (const s of indexed) {
      const index = s.index!;
      s.buffer = [...index.flows.values()].filter((c) => c.recency <= upTo && !this.isSeen(c.key)).sort((a, b) => b.recency - a.recency);
      s.start = index.start;
      s.ties = index.ties;
      s.done = index.done;
      s.frontier = s.done ? -Infinity : scoreRecency(s.start, s.spec.scale);
    }
  }

  private call(s: Source, start: string, ties: number, lowest = '-inf') {
    return {
      script: WALK_PARENTS,
      keys: [`${this.prefix}:${s.queue}:${s.spec.set}`],
      args: [s.spec.how, `${this.prefix}:${s.queue}:`, start, ties, this.budget, s.spec.anyParent ? '1' : '0', lowest],
    };
  }

  /** The flows of one walk-parents reply. */
  private found(s: Source, reply: unknown[]): Candidate[] {
    const out: Candidate[] = [];
    for (let j = 4; j + 2 < reply.length; j += 3) {
      const id = String(reply[j]);
      const key = `${this.prefix}:${s.queue}:${id}`;
      const scored = s.spec.how === 'score';
      out.push({ key, queue: s.queue, set: s.spec.set, recency: scored ? scoreRecency(String(reply[j + 1]), s.spec.scale) : Infinity, index: scored ? 0 : Number(reply[j + 1]) });
    }
    return out;
  }

  private remember(index: SetIndex, candidate: Candidate): void {
    index.flows.set(candidate.key, candidate);
    this.index?.claim(candidate);
  }

  private async read(sources: Source[]): Promise<void> {
    const replies = await this.trips.run(sources.map((s) => this.call(s, s.start, s.ties)));
    sources.forEach((s, i) => {
      const reply = replies[i] as unknown[];
      s.done = Number(reply[0]) === 1;
      s.start = String(reply[1]);
      s.ties = Number(reply[2]);
      if (s.spec.how === 'score') s.frontier = s.done ? -Infinity : scoreRecency(s.start, s.spec.scale);
      if (s.index) {
        s.index.start = s.start;
        s.index.ties = s.ties;
        s.index.done = s.done;
        const top = String(reply[3]);
        if (s.index.top === undefined && top !== '') s.index.top = top;
      }
      for (const found of this.found(s, reply)) {
        if (s.index) this.remember(s.index, found);
        else this.index?.claim(found);
        if (!this.isSeen(found.key)) s.buffer.push(found);
      }
    });
  }
}

function scoreRecency(score: string, scale: number): number {
  if (score === '+inf') return Infinity;
  if (score === '-inf') return -Infinity;
  const n = Number(score);
  return scale === 1 ? n : Math.floor(n / scale);
}

/** Order of timeless sources: by set (SETS order), then queue name. */
function compareSource(queue: string, set: string, otherQueue: string, otherSet: string): number {
  const a = SETS.findIndex((s) => s.set === set);
  const b = SETS.findIndex((s) => s.set === otherSet);
  if (a !== b) return a - b;
  return queue < otherQueue ? -1 : queue > otherQueue ? 1 : 0;
}

