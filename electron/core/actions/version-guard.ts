// Which queues the actions may write, per queue (docs/SPEC.md §11): a table of the BullMQ ranges this
// project is tested against, and the key layout each range follows. The actions rewrite BullMQ's
// internals, so a queue written by anything else is refused before anything is written.
//
// `P:Q:meta` `version` reads `bullmq:6.7.0` (`<libName>:<version>`, written by every Queue
// instance). BullMQ 5 and 6 store flows alike (the four buckets, fpof/cpof/idof/rdof, defa, the
// events); they differ in where a paused queue keeps its waiting jobs (QueueLayout in
// shared/domain.ts): BullMQ 5's getTargetQueueList.lua sends them to `P:Q:paused` while meta has
// `paused`, and its resume RENAMEs paused over wait; BullMQ 6 always uses `P:Q:wait`. The scripts
// take the layout per queue (queue-meta.lua `targetList`).
//
// A queue with no version (BullMQ writes it only from a Queue instance, so queues that only saw
// a FlowProducer and Workers have none) is judged by its keys: `P:Q:paused` exists -> BullMQ 5
// (6 never writes it); paused with jobs in `P:Q:wait` and no `P:Q:paused` -> BullMQ 6 (5 would
// have renamed wait at pause time); a `P:Q:priority` key -> BullMQ before 5 (5 replaced it with
// `P:Q:prioritized`; Queue.removeDeprecatedPriorityKey deletes it), refused. Otherwise nothing
// tells them apart and the layout is left to the scripts, which decide from the same keys
// atomically when they write ("?").
import type { RedisClient } from '../connection/redis-client';
import type { QueueCompat, QueueLayout } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import { queueKeys } from '../../../shared/job-keys';

export interface CompatRange {
  major: number;
  /** Lowest tested minor of that major. */
  minMinor: number;
  layout: QueueLayout;
  label: string;
}

/** The tested BullMQ ranges; anything else (another major, an older minor, BullMQ Pro) is refused. */
export const COMPATIBILITY: readonly CompatRange[] = [
  { major: 5, minMinor: 56, layout: 5, label: '5.56–5.x' },
  { major: 6, minMinor: 0, layout: 6, label: '6.x' },
];

export const TESTED_RANGES = COMPATIBILITY.map((r) => r.label).join(' and ');

/** What a queue's keys say, for a queue with no version. */
export interface LayoutFacts {
  /** `meta.paused` is set. */
  paused: boolean;
  waitLength: number;
  pausedLength: number;
  /** `P:Q:priority` exists (BullMQ before 5). */
  legacyPriority: boolean;
}

const tested = `Flowscope's actions are tested with BullMQ ${TESTED_RANGES}`;

function byKeys(facts: LayoutFacts | undefined): QueueCompat {
  const basis = 'keys' as const;
  if (facts?.legacyPriority) {
    return {
      ok: false,
      basis,
      layout: null,
      reason: `has no version and a P:Q:priority key, which only BullMQ before 5 writes; ${tested} (remove the key with Queue.removeDeprecatedPriorityKey() if it is a leftover)`,
    };
  }
  let layout: QueueLayout | null = null;
  if (facts && facts.pausedLength > 0) layout = 5;
  else if (facts?.paused && facts.waitLength > 0) layout = 6;
  return { ok: true, basis, layout };
}

/** The verdict for one queue: its `meta.version` (null when none) and, for a queue without one, its keys. */
export function judgeVersion(version: string | null, facts?: LayoutFacts): QueueCompat {
  if (version === null || version === '') return byKeys(facts);
  const basis = 'version' as const;
  const match = /^([^:]+):(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version);
  if (!match) return { ok: false, basis, layout: null, reason: `has a version "${version}" that is not recognised; ${tested}` };
  const [, lib, majorText, minorText] = match;
  const major = Number(majorText);
  const minor = Number(minorText);
  if (lib !== 'bullmq') {
    const what = lib === 'bullmq-pro' ? 'BullMQ Pro, which has scripts of its own' : 'not BullMQ';
    return { ok: false, basis, layout: null, reason: `is written by ${version} (${what}); ${tested}` };
  }
  const range = COMPATIBILITY.find((r) => r.major === major);
  if (!range || minor < range.minMinor) {
    return { ok: false, basis, layout: range?.layout ?? null, reason: `is written by BullMQ ${version.slice(lib.length + 1)}; ${tested}` };
  }
  return { ok: true, basis, layout: range.layout };
}

/** What the scripts are told per queue (queue-meta.lua LAYOUTS): "5", "6", or "?" (decide from the keys). */
export type ScriptLayouts = Record<string, '5' | '6' | '?'>;

/** The verdicts of some queues (keys `P:Q`), read in one round trip. */
export async function readQueueCompat(redis: RedisClient, queues: Iterable<string>): Promise<Map<string, QueueCompat>> {
  const keys = [...new Set(queues)];
  const out = new Map<string, QueueCompat>();
  if (keys.length === 0) return out;
  const pipeline = redis.pipeline();
  for (const q of keys) {
    const k = queueKeys(q);
    pipeline.hmget(k.meta, 'version', 'paused');
    pipeline.llen(k.wait);
    pipeline.llen(k.paused);
    pipeline.exists(k.legacyPriority);
  }
  const replies = (await pipeline.exec()) ?? [];
  keys.forEach((queueKey, i) => {
    const [meta, wait, paused, priority] = replies.slice(i * 4, i * 4 + 4).map((r) => r ?? [null, null]);
    const error = meta![0] ?? wait![0] ?? paused![0];
    if (error) {
      // A meta or state key of the wrong type is not BullMQ's either.
      out.set(queueKey, { ok: false, basis: 'keys', layout: null, reason: `has keys BullMQ would not write (${error.message})` });
      return;
    }
    const [version, pausedFlag] = (meta![1] as (string | null)[] | null) ?? [null, null];
    out.set(
      queueKey,
      judgeVersion(version ?? null, {
        paused: pausedFlag != null,
        waitLength: Number(wait![1]) || 0,
        pausedLength: Number(paused![1]) || 0,
        legacyPriority: !priority![0] && Number(priority![1]) === 1,
      }),
    );
  });
  return out;
}

/**
 * The verdicts of an action's queues, read (one pipeline per call of `prefetch`) as soon as the
 * action meets the queues, beside its other round trips; `assert` then judges the queues a plan
 * writes, reading any it was not given before.
 */
export class CompatGuard {
  private readonly reads = new Map<string, Promise<Map<string, QueueCompat>>>();

  constructor(
    private readonly redis: RedisClient,
    /** Called once per pipeline sent (the actions count their round trips). */
    private readonly onRead: () => void = () => undefined,
  ) {}

  prefetch(queueKeys: Iterable<string>): void {
    const fresh = [...new Set(queueKeys)].filter((q) => q && !this.reads.has(q));
    if (fresh.length === 0) return;
    this.onRead();
    const read = readQueueCompat(this.redis, fresh);
    read.catch(() => undefined); // awaited by assert; until then not unhandled
    for (const q of fresh) this.reads.set(q, read);
  }

  /**
   * Throws REFUSED naming the first queue actions may not write; otherwise returns the layout
   * of each queue for the scripts ("?" for a queue without a version: the script decides from
   * its keys as it writes, so a pause in between cannot mislead it).
   */
  async assert(queueKeys: Iterable<string>, action: string): Promise<ScriptLayouts> {
    const keys = [...new Set(queueKeys)];
    this.prefetch(keys);
    const layouts: ScriptLayouts = {};
    for (const queueKey of keys) {
      const verdict = (await this.reads.get(queueKey)!).get(queueKey)!;
      if (!verdict.ok) {
        throw new FlowscopeError('REFUSED', `${action} refused: queue ${queueKey} ${verdict.reason}.`, { queue: queueKey });
      }
      layouts[queueKey] = verdict.basis === 'version' && verdict.layout !== null ? (String(verdict.layout) as '5' | '6') : '?';
    }
    return layouts;
  }
}

/** CompatGuard.assert for queues not read before. */
export async function assertCompatible(redis: RedisClient, queueKeys: Iterable<string>, action: string): Promise<ScriptLayouts> {
  return new CompatGuard(redis).assert(queueKeys, action);
}
