// Queue discovery under a prefix: SCAN for `P:*:meta` (BullMQ queues) and `P:*:id` string
// counters, then one pipeline for every queue's counts and meta. Queue names may contain ':'.
// The SCAN walks the whole keyspace, so it runs rarely (queue-registry.ts says when); the
// counts of queues already known are one pipeline (countKnownQueues) and are what a timer
// refreshes.
// Each queue carries the actions' compatibility verdict (../actions/version-guard.ts), judged
// from the same replies.
import type { RedisClient } from '../connection/redis-client';
import { isCluster } from '../connection/redis-client';
import { scanKeys } from '../connection/scan-keys';
import { hashTagOf } from '../connection/topology';
import type { QueueInfo } from '../../../shared/domain';
import { queueKeys } from '../../../shared/job-keys';
import { judgeVersion } from '../actions/version-guard';

const SCAN_COUNT = 1000;

/** Escapes Redis glob specials so a prefix such as `{flows}` or `a*b` matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export async function discoverQueueNames(redis: RedisClient, prefix: string): Promise<string[]> {
  const p = escapeGlob(prefix);
  const metaKeys: string[] = [];
  const idKeys: string[] = [];
  await Promise.all([
    scanKeys(redis, `${p}:*:meta`, { count: SCAN_COUNT, type: 'hash', prefix }, (keys) => void metaKeys.push(...keys)),
    scanKeys(redis, `${p}:*:id`, { count: SCAN_COUNT, type: 'string', prefix }, (keys) => void idKeys.push(...keys)),
  ]);
  const names = new Set<string>();
  const start = prefix.length + 1;
  for (const key of metaKeys) names.add(key.slice(start, -':meta'.length));
  for (const key of idKeys) names.add(key.slice(start, -':id'.length));
  names.delete('');
  return [...names].sort();
}

const toNumber = (entry: [Error | null, unknown] | undefined): number => {
  if (!entry || entry[0]) return 0;
  return Number(entry[1]) || 0;
};

async function countQueues(redis: RedisClient, prefix: string, names: string[]): Promise<[Error | null, unknown][]> {
  const pipeline = redis.pipeline();
  for (const name of names) {
    const k = queueKeys(`${prefix}:${name}`);
    pipeline.llen(k.wait);
    pipeline.llen(k.paused);
    pipeline.llen(k.active);
    pipeline.zcard(k.delayed);
    pipeline.zcard(k.prioritized);
    pipeline.zcard(k.waitingChildren);
    pipeline.zcard(k.completed);
    pipeline.zcard(k.failed);
    pipeline.hmget(k.meta, 'version', 'paused');
    pipeline.exists(k.legacyPriority);
    // What makes it a queue for discovery: its meta hash or its id counter (one EXISTS each:
    // on a cluster the two keys may sit in different slots).
    pipeline.exists(k.meta);
    pipeline.exists(k.id);
  }
  return (await pipeline.exec()) ?? [];
}

const PER_QUEUE = 12;

export interface CountedQueues {
  /** The queues that are there (their meta hash or id counter exists), in the order asked. */
  queues: QueueInfo[];
  /** Names asked for whose meta hash and id counter are both gone (obliterated, or never a queue). */
  gone: string[];
}

/**
 * Counts and meta of the named queues: one pipeline, whatever the size of the keyspace (on a
 * cluster whose prefix has no hash tag, one per queue). Its cost grows with the number of
 * queues only.
 */
export async function countKnownQueues(redis: RedisClient, prefix: string, names: string[]): Promise<CountedQueues> {
  if (names.length === 0) return { queues: [], gone: [] };
  // One pipeline; on a cluster whose prefix has no hash tag each queue's keys sit elsewhere,
  // so one pipeline per queue (queues named with a hash tag of their own, `{name}`, work so).
  const groups = isCluster(redis) && hashTagOf(prefix) === null ? names.map((n) => [n]) : [names];
  const replies = (await Promise.all(groups.map((group) => countQueues(redis, prefix, group)))).flat();
  const queues: QueueInfo[] = [];
  const gone: string[] = [];
  names.forEach((name, i) => {
    const r = replies.slice(i * PER_QUEUE, (i + 1) * PER_QUEUE) as [Error | null, unknown][];
    if (toNumber(r[10]) === 0 && toNumber(r[11]) === 0 && !r[10]?.[0] && !r[11]?.[0]) {
      gone.push(name);
      return;
    }
    const meta = (r[8]?.[0] ? [null, null] : (r[8]?.[1] as (string | null)[] | undefined)) ?? [null, null];
    const version = meta[0] ?? null;
    const keyError = r[0]?.[0] ?? r[1]?.[0] ?? r[8]?.[0];
    const compat = keyError
      ? { ok: false, basis: 'keys' as const, layout: null, reason: `has keys BullMQ would not write (${keyError.message})` }
      : judgeVersion(version, {
          paused: meta[1] != null,
          waitLength: toNumber(r[0]),
          pausedLength: toNumber(r[1]),
          legacyPriority: toNumber(r[9]) === 1,
        });
    queues.push({
      name,
      key: `${prefix}:${name}`,
      counts: {
        waiting: toNumber(r[0]),
        paused: toNumber(r[1]),
        active: toNumber(r[2]),
        delayed: toNumber(r[3]),
        prioritized: toNumber(r[4]),
        'waiting-children': toNumber(r[5]),
        completed: toNumber(r[6]),
        failed: toNumber(r[7]),
      },
      version,
      paused: meta[1] === '1',
      compat,
    });
  });
  return { queues, gone };
}

/** A full discovery: the SCAN (cost: the whole keyspace), then the counts pipeline. */
export async function discoverQueues(redis: RedisClient, prefix: string): Promise<QueueInfo[]> {
  const names = await discoverQueueNames(redis, prefix);
  return (await countKnownQueues(redis, prefix, names)).queues;
}
