// Refuses to rewrite BullMQ's internals on queues written by a BullMQ this project has not been
// tested against (SPEC §11). Each queue's `P:Q:meta` `version` reads `bullmq:6.7.0`.
// A queue with no version is allowed: BullMQ writes `version` only from a Queue instance, so
// queues that only ever saw a FlowProducer and Workers (common for flow children) have none,
// and refusing them would refuse most flows. Another library name (e.g. `bullmq-pro:7.x`, with
// its own scripts) or another major is refused.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';

export const TESTED_BULLMQ_MAJORS: readonly number[] = [6];

export type VersionVerdict = { ok: true } | { ok: false; reason: string };

export function judgeVersion(version: string | null): VersionVerdict {
  if (version === null || version === '') return { ok: true };
  const match = /^([^:]+):(\d+)\./.exec(version);
  if (!match) return { ok: false, reason: `has a version "${version}" that is not recognised` };
  const [, lib, major] = match;
  if (lib !== 'bullmq') return { ok: false, reason: `is written by ${version}, not BullMQ` };
  if (!TESTED_BULLMQ_MAJORS.includes(Number(major))) {
    return {
      ok: false,
      reason: `is written by BullMQ ${version.slice(lib.length + 1)}; actions are tested with BullMQ ${TESTED_BULLMQ_MAJORS.join(', ')}.x only`,
    };
  }
  return { ok: true };
}

/** Throws REFUSED naming the first queue whose BullMQ version is not tested. */
export async function assertTestedVersions(redis: RedisClient, queueKeys: Iterable<string>, action: string): Promise<void> {
  const keys = [...new Set(queueKeys)];
  if (keys.length === 0) return;
  const pipeline = redis.pipeline();
  for (const q of keys) pipeline.hget(`${q}:meta`, 'version');
  const replies = (await pipeline.exec()) ?? [];
  keys.forEach((queueKey, i) => {
    const [error, value] = replies[i] ?? [null, null];
    // A `meta` of the wrong type is not BullMQ's either.
    const verdict = error ? { ok: false as const, reason: `has an unreadable meta hash (${error.message})` } : judgeVersion((value as string | null) ?? null);
    if (!verdict.ok) {
      throw new FlowscopeError('REFUSED', `${action} refused: queue ${queueKey} ${verdict.reason}.`, { queue: queueKey });
    }
  });
}
