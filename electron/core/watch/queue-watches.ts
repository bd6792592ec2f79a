// Queue watches: one stream reader (one blocking XREAD, stream-reader.ts) over the event streams
// of every watched queue, shared by all clients. An event names a job; a `completed` or
// `failed` event is looked at in one pipeline (the job's parent link and whether it has
// children): a flow root of the queue that completed or failed is reported, and a job of the
// queue that failed with no policy while its parent still lists it (it blocks its flow for
// ever) reports the flow's root as stuck, once per root. Reads only.
import type { RedisClient } from '../connection/redis-client';
import type { Logger } from '../log/logger';
import type { WatchEvent } from '../../../shared/domain';
import { BUCKETS, bucketKey } from '../../../shared/buckets';
import { jobKeyPartsOf } from '../../../shared/job-keys';
import { ancestorsCall, parseAncestors } from '../tree/ancestors';
import { RoundTrips } from '../lua/round-trips';
import { createStreamReader, lastStreamId, type StreamEntry, type StreamReader } from '../live/stream-reader';

export interface QueueWatch {
  id: string;
  session: string;
  queue: string;
  /** Flow roots already reported stuck (so a stuck flow is told once until it moves on). */
  stuck: Set<string>;
}

export interface QueueWatchesDeps {
  redis(): RedisClient;
  prefix: string;
  log: Logger;
  send(watch: QueueWatch, event: Omit<WatchEvent, 'watchId' | 'kind' | 'at'>): void;
}

const MAX_STUCK_REMEMBERED = 1000;
/** The keys that hold a parent's children, one per bucket: a job with any of them is a flow's parent. */

export function createQueueWatches(deps: QueueWatchesDeps) {
  const watches = new Map<string, QueueWatch>();
  let reader: StreamReader | undefined;
  const streamOf = (queue: string) => `${deps.prefix}:${queue}:events`;

  async function onEntries(entries: StreamEntry[]): Promise<void> {
    const finished = new Map<string, { queue: string; event: 'completed' | 'failed' }>();
    for (const entry of entries) {
      const event = entry.fields.event;
      const jobId = entry.fields.jobId;
      if (!jobId || (event !== 'completed' && event !== 'failed')) continue;
      const queue = entry.stream.slice(deps.prefix.length + 1, -':events'.length);
      finished.set(`${deps.prefix}:${queue}:${jobId}`, { queue, event });
    }
    if (finished.size === 0) return;
    const redis = deps.redis();
    const keys = [...finished.keys()];
    const pipeline = redis.pipeline();
    for (const key of keys) {
      pipeline.hmget(key, 'parentKey', 'name', 'failedReason');
      // One EXISTS per key: a cluster routes each to its own slot.
      for (const bucket of BUCKETS) pipeline.exists(bucketKey(key, bucket));
    }
    const replies = (await pipeline.exec()) ?? [];
    const blockers: { key: string; queue: string; name: string | null; reason: string | null; parentKey: string }[] = [];
    keys.forEach((key, i) => {
      const at = i * (1 + BUCKETS.length);
      const [parentKey, name, failedReason] = (replies[at]?.[1] ?? []) as (string | null)[];
      const hasChildren = BUCKETS.some((_, b) => Number(replies[at + 1 + b]?.[1] ?? 0) > 0);
      const { queue, event } = finished.get(key)!;
      const { id } = jobKeyPartsOf(key, deps.prefix);
      if (!parentKey) {
        if (!hasChildren) return; // a plain job, not a flow
        const detail = event === 'completed' ? `${queue}/${id} completed` : `${queue}/${id} failed${failedReason ? `: ${failedReason}` : ''}`;
        for (const watch of watchesOf(queue)) {
          watch.stuck.delete(key);
          deps.send(watch, { outcome: event, queue, jobId: id, key, name: name ?? null, detail });
        }
      } else if (event === 'failed') {
        blockers.push({ key, queue, name: name ?? null, reason: failedReason ?? null, parentKey });
      }
    });
    if (blockers.length === 0) return;
    // Still listed by its parent as unprocessed: it blocks; the flow's root is found by climbing.
    const check = redis.pipeline();
    for (const b of blockers) check.sismember(bucketKey(b.parentKey, 'unprocessed'), b.key);
    const listed = (await check.exec()) ?? [];
    const stuck = blockers.filter((_, i) => Number(listed[i]?.[1] ?? 0) === 1);
    if (stuck.length === 0) return;
    const climbs = await new RoundTrips(redis).run(stuck.map((b) => ancestorsCall(b.key)));
    stuck.forEach((b, i) => {
      const rootKey = parseAncestors(b.key, climbs[i]).keys[0] ?? b.parentKey;
      const root = jobKeyPartsOf(rootKey, deps.prefix);
      const detail = `${b.queue}/${jobKeyPartsOf(b.key, deps.prefix).id}${b.name ? ` (${b.name})` : ''} failed${b.reason ? ` (${b.reason})` : ''} with no failure policy: the flow waits for ever`;
      for (const watch of watchesOf(b.queue)) {
        if (watch.stuck.has(rootKey)) continue;
        if (watch.stuck.size >= MAX_STUCK_REMEMBERED) watch.stuck.clear();
        watch.stuck.add(rootKey);
        deps.send(watch, { outcome: 'stuck', queue: root.queue, jobId: root.id, key: rootKey, name: null, detail });
      }
    });
  }

  const watchesOf = (queue: string) => [...watches.values()].filter((w) => w.queue === queue);

  function unfollowUnused(): void {
    if (!reader) return;
    const needed = new Set([...watches.values()].map((w) => streamOf(w.queue)));
    for (const stream of reader.streams()) if (!needed.has(stream)) reader.remove(stream);
  }

  return {
    async add(watch: QueueWatch): Promise<void> {
      reader ??= createStreamReader(deps.redis(), {
        onEntries: (entries) =>
          void onEntries(entries).catch((err: unknown) => deps.log.warn('queue watch could not read a finished job', { message: (err as Error).message })),
        onGap: (streams, why) => deps.log.info('queue watch may have missed events', { streams, why }),
      });
      const stream = streamOf(watch.queue);
      const from = reader.streams().includes(stream) ? null : await lastStreamId(deps.redis(), stream);
      watches.set(watch.id, watch);
      if (from !== null) reader.add(stream, from);
    },
    remove(id: string): boolean {
      const removed = watches.delete(id);
      if (removed) unfollowUnused();
      return removed;
    },
    async close(): Promise<void> {
      watches.clear();
      await reader?.close();
      reader = undefined;
    },
  };
}
