// Live flow views: subscribe to a job's subtree, get a snapshot, then sequence-numbered
// patches. All views share one stream reader (one blocking XREAD over the event streams of
// every queue in view). An event names a job; the view re-reads that job and its parent in
// one pipeline (BullMQ writes nothing on the parent's stream when a child changes bucket),
// loads children that appeared (runtime-added children grow in place) and drops those that
// left. When the reader may have missed events (reconnect, trimmed stream) the view reloads
// and a fresh snapshot is pushed.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../connection/redis-client';
import { BUCKETS, type Bucket, type ChildrenPage, type FlowNode, type FlowPatch, type FlowSnapshot } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import type { Logger } from '../log/logger';
import { missingJobError } from '../flows/missing-job';
import { loadTree } from '../tree';
import { toFlowNode } from '../tree/flow-node';
import { loadLevel, type LevelRecord } from '../tree/load-level';
import { queueKeyOf } from '../../../shared/job-keys';
import { RoundTrips } from '../lua/round-trips';
import { walkLevels } from '../tree/tree-walk';
import { LiveFlowView, type ViewOptions } from './flow-view';
import { createStreamReader, lastStreamId, type StreamEntry, type StreamReader } from './stream-reader';

export interface FlowSubscriptionsDeps {
  redis(): RedisClient;
  prefix: string;
  log: Logger;
  sendPatch(session: string, patch: FlowPatch): void;
  sendSnapshot(session: string, snapshot: FlowSnapshot): void;
}

export interface FlowSubscriptions {
  subscribe(session: string, options: ViewOptions): Promise<FlowSnapshot>;
  resync(session: string, subscriptionId: string): Promise<FlowSnapshot>;
  unsubscribe(session: string, subscriptionId: string): boolean;
  /** Takes a page of children loaded for a view into it, so they are live too. */
  adoptPage(session: string, subscriptionId: string, page: ChildrenPage): Promise<void>;
  closeSession(session: string): void;
  /** Reloads every view and pushes fresh snapshots (Redis answers again after it stopped responding). */
  resyncAll(why: string): void;
  close(): Promise<void>;
}

const MAX_VIEWS_PER_SESSION = 20;
/**
 * How often the roots in view are checked to still exist: a FLUSHALL (or a DEL, or a Redis
 * that came back empty without the reader noticing) writes no event on any stream. One EXISTS
 * per root in view, never a scan.
 */
export const ROOT_CHECK_MS = 1000;

export function createFlowSubscriptions(deps: FlowSubscriptionsDeps): FlowSubscriptions {
  const views = new Map<string, LiveFlowView>();
  /** Per view: job keys waiting to be re-read, and the run that is doing it. */
  const pending = new Map<string, { keys: Set<string>; reload: boolean }>();
  const running = new Map<string, Promise<void>>();
  let reader: StreamReader | undefined;

  const streamOf = (queueKey: string) => `${queueKey}:events`;

  /** Follows the streams of every queue in a view; returns the queue keys newly followed. */
  async function follow(view: LiveFlowView, positions?: Map<string, string>): Promise<Set<string>> {
    reader ??= createStreamReader(deps.redis(), { onEntries, onGap, onBadStreams });
    const watched = new Set(reader.streams());
    const added = new Set<string>();
    for (const queueKey of view.queueKeys()) {
      const stream = streamOf(queueKey);
      if (watched.has(stream)) continue;
      reader.add(stream, positions?.get(stream) ?? (await lastStreamId(deps.redis(), stream)));
      added.add(queueKey);
    }
    return added;
  }

  /** Stops following streams no view needs any more. */
  function unfollowUnused(): void {
    if (!reader) return;
    const needed = new Set<string>();
    for (const view of views.values()) for (const q of view.queueKeys()) needed.add(streamOf(q));
    for (const stream of reader.streams()) if (!needed.has(stream)) reader.remove(stream);
  }

  /**
   * Loads the view's tree. A root that is not there throws NOT_FOUND, or with `onMissing`
   * 'show' (a reload of an open view) becomes the view's tree (one node, state missing) and
   * the error is returned, so the client is told instead of keeping the old tree.
   */
  async function load(view: LiveFlowView, onMissing: 'throw' | 'show' = 'throw'): Promise<FlowscopeError | null> {
    const { queue, jobId, depth, pageSize } = view.options;
    // Positions of the streams known before the load, so nothing between is missed.
    const rootQueueKey = `${deps.prefix}:${queue}`;
    const positions = new Map([[streamOf(rootQueueKey), await lastStreamId(deps.redis(), streamOf(rootQueueKey))]]);
    const tree = await loadTree(deps.redis(), deps.prefix, queue, jobId, { depth, pageSize });
    let gone: FlowscopeError | null = null;
    if (tree.nodes[0]?.state === 'missing') {
      gone = await missingJobError(deps.redis(), deps.prefix, queue, jobId);
      if (onMissing === 'throw') throw gone;
      tree.nodes.splice(1);
    }
    view.reset(tree);
    // Streams of other queues are followed from now: re-read their nodes once, in case they
    // changed between the load and now.
    const late = await follow(view, positions);
    late.delete(rootQueueKey);
    if (late.size > 0) {
      const keys = [...view.nodes.keys()].filter((k) => late.has(queueKeyOf(k)));
      schedule(view, keys);
    }
    return gone;
  }

  function snapshot(view: LiveFlowView, gone: FlowscopeError | null = null): FlowSnapshot {
    const bad = reader?.badStreams() ?? new Map<string, string>();
    const warnings = [...view.queueKeys()]
      .filter((q) => bad.has(streamOf(q)))
      .map((q) => `${streamOf(q)} is a ${bad.get(streamOf(q))}, not a stream: changes in queue ${q.slice(deps.prefix.length + 1)} show only on a reload (fix or delete that key)`);
    if (gone) warnings.unshift(`The flow is gone from Redis (NOT_FOUND): ${gone.message}. The view stays open and shows it again if it comes back.`);
    return { subscriptionId: view.id, seq: view.seq, tree: view.tree(), ...(warnings.length > 0 ? { warnings } : {}) };
  }

  /** Keys found not to be streams: logged once each, and the views that wanted them say so. */
  function onBadStreams(streams: { stream: string; type: string }[]): void {
    const named = new Set(streams.map((s) => s.stream));
    for (const { stream, type } of streams) {
      deps.log.warn('events key has the wrong type: live updates of its queue are off until it is a stream again', { stream, type });
    }
    for (const view of views.values()) {
      if ([...view.queueKeys()].some((q) => named.has(streamOf(q)))) scheduleReload(view);
    }
  }

  // ---- events -> re-reads --------------------------------------------------------------

  function onEntries(entries: StreamEntry[]): void {
    const keys = new Set<string>();
    for (const entry of entries) {
      const jobId = entry.fields.jobId;
      if (!jobId) continue;
      keys.add(`${entry.stream.slice(0, -':events'.length)}:${jobId}`);
    }
    if (keys.size === 0) return;
    for (const view of views.values()) {
      const queueKeys = view.queueKeys();
      const relevant = [...keys].filter((k) => queueKeys.has(queueKeyOf(k)));
      if (relevant.length > 0) schedule(view, relevant);
    }
  }

  function onGap(streams: string[], why: string): void {
    const gapped = new Set(streams);
    for (const view of views.values()) {
      if ([...view.queueKeys()].some((q) => gapped.has(streamOf(q)))) {
        deps.log.info('flow view resyncs', { subscriptionId: view.id, why });
        scheduleReload(view);
      }
    }
  }

  function schedule(view: LiveFlowView, keys: string[]): void {
    const entry = pending.get(view.id) ?? { keys: new Set<string>(), reload: false };
    for (const k of keys) entry.keys.add(k);
    pending.set(view.id, entry);
    kick(view);
  }

  function scheduleReload(view: LiveFlowView): void {
    const entry = pending.get(view.id) ?? { keys: new Set<string>(), reload: false };
    entry.reload = true;
    pending.set(view.id, entry);
    kick(view);
  }

  let rootTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  function watchRoots(): void {
    if (rootTimer || closed || views.size === 0) return;
    rootTimer = setTimeout(() => void checkRoots(), ROOT_CHECK_MS);
    rootTimer.unref();
  }

  /** Reloads the views whose root vanished (or came back) without an event saying so. */
  async function checkRoots(): Promise<void> {
    const idle = [...views.values()].filter((v) => v.root && !running.has(v.id) && !pending.has(v.id));
    try {
      const roots = [...new Set(idle.map((v) => v.root))];
      const redis = deps.redis();
      // One EXISTS per key, written back to back (one round trip; each routed to its slot).
      const found = new Map(roots.map((key, i) => [key, i]));
      const replies = await Promise.all(roots.map((key) => redis.exists(key)));
      for (const view of idle) {
        const exists = replies[found.get(view.root)!]! > 0;
        const shownMissing = view.nodes.get(view.root)?.state === 'missing';
        if (exists === shownMissing && views.has(view.id)) {
          deps.log.info('flow view resyncs', { subscriptionId: view.id, why: exists ? 'root is back' : 'root is gone' });
          scheduleReload(view);
        }
      }
    } catch {
      // Redis away or not responding: the health check says so; looked at again next time.
    } finally {
      rootTimer = undefined;
      watchRoots();
    }
  }

  const reloadDelays = new Map<string, number>();
  function retryReloadLater(view: LiveFlowView): void {
    const delay = Math.min((reloadDelays.get(view.id) ?? 100) * 2, 2000);
    reloadDelays.set(view.id, delay);
    setTimeout(() => {
      if (views.has(view.id)) scheduleReload(view);
      else reloadDelays.delete(view.id);
    }, delay).unref();
  }

  /** One run at a time per view; work that arrives meanwhile is merged into the next run. */
  function kick(view: LiveFlowView): void {
    if (running.has(view.id)) return;
    const run = (async () => {
      while (views.has(view.id)) {
        const work = pending.get(view.id);
        if (!work) break;
        pending.delete(view.id);
        try {
          if (work.reload) {
            // A root gone (deleted, FLUSHALL, a Redis restarted empty) is pushed as such: a
            // snapshot of the missing root with a warning saying so, never the old tree kept.
            const gone = await load(view, 'show');
            reloadDelays.delete(view.id);
            view.nextSeq();
            deps.sendSnapshot(view.session, snapshot(view, gone));
          } else {
            const patch = await refresh(view, work.keys);
            if (patch) deps.sendPatch(view.session, patch);
          }
        } catch (err) {
          deps.log.warn('flow view update failed; reloading', { subscriptionId: view.id, message: (err as Error).message });
          if (!work.reload) scheduleReload(view);
          else {
            // Redis is away or mid-failover: try the reload again, backing off, while the view lives.
            retryReloadLater(view);
            break;
          }
        }
      }
    })().finally(() => running.delete(view.id));
    running.set(view.id, run);
  }

  /** Re-reads the named jobs (and their parents) and turns the differences into a patch. */
  async function refresh(view: LiveFlowView, keys: Set<string>): Promise<FlowPatch | null> {
    const redis = deps.redis();
    const trips = new RoundTrips(redis);
    const touched = new Set<string>();
    const unknown: string[] = [];
    for (const key of keys) {
      if (view.nodes.has(key)) {
        touched.add(key);
        const parent = view.parentOf(key);
        if (parent) touched.add(parent);
      } else unknown.push(key);
    }
    // A job not in view may be a child that was just added to a job in view.
    if (unknown.length > 0) {
      const pipeline = redis.pipeline();
      for (const key of unknown) pipeline.hget(key, 'parentKey');
      trips.count++;
      const replies = (await pipeline.exec()) ?? [];
      for (const [, parentKey] of replies) if (typeof parentKey === 'string' && view.nodes.has(parentKey)) touched.add(parentKey);
    }
    if (touched.size === 0) return null;

    const upserts = new Map<string, FlowNode>();
    const removed: string[] = [];
    const truncated: FlowPatch['truncated'] = [];
    const maxDepth = view.options.depth;

    let toRead = [...touched];
    const seenParents = new Map<string, LevelRecord>();
    // Two passes at most: the touched jobs, then children whose bucket their parent changed.
    for (let pass = 0; pass < 2 && toRead.length > 0; pass++) {
      const records = await loadLevel(trips, toRead, view.options.pageSize, true);
      const next = new Set<string>();
      for (const record of records) {
        const old = view.nodes.get(record.key);
        if (!old) continue;
        const isRoot = record.key === view.root;
        const bucket = record.parentBuckets[0] ?? null;
        if (!isRoot && bucket === null) {
          // No bucket of its parent holds it any more (removed, or a remove-policy failure):
          // loadTree would not show it either.
          removed.push(...view.removeSubtree(record.key));
          continue;
        }
        const node = toFlowNode(
          deps.prefix,
          record,
          isRoot
            ? { kind: 'root', depth: 0, parentExists: view.ancestors.length > 0 }
            : { kind: 'child', parentKey: old.parentKey!, bucket: bucket ?? old.bucket!, depth: old.depth },
        );
        if (view.put(node)) upserts.set(node.key, node);
        if (node.depth < maxDepth) seenParents.set(record.key, record);
      }
      // Children the parents now list: new ones load below, moved ones are read again.
      const newSeeds: { key: string; bucket: Bucket; parent: FlowNode }[] = [];
      for (const [parentKey, record] of seenParents) {
        const parent = view.nodes.get(parentKey);
        if (!parent) continue;
        const listed = new Set<string>();
        for (const bucket of BUCKETS) {
          for (const childKey of record.pages[bucket].keys) {
            listed.add(childKey);
            const child = view.nodes.get(childKey);
            if (!child) {
              if (childKey !== view.root && !view.ancestors.includes(childKey)) newSeeds.push({ key: childKey, bucket, parent });
            } else if (child.bucket !== bucket && !touched.has(childKey)) next.add(childKey);
          }
        }
        // Children shown from the first page that no bucket lists any more: read them again.
        for (const childKey of view.children.get(parentKey) ?? []) {
          if (!listed.has(childKey) && !touched.has(childKey) && record.counts[view.nodes.get(childKey)!.bucket ?? 'processed'] <= view.options.pageSize) {
            next.add(childKey);
          }
        }
      }
      if (newSeeds.length > 0) {
        const byDepth = new Map<number, typeof newSeeds>();
        for (const seed of newSeeds) {
          const list = byDepth.get(seed.parent.depth + 1) ?? [];
          list.push(seed);
          byDepth.set(seed.parent.depth + 1, list);
        }
        for (const [depth, seeds] of byDepth) {
          const walked = await walkLevels(
            trips,
            deps.prefix,
            seeds.map((s) => ({ key: s.key, placement: { kind: 'child' as const, parentKey: s.parent.key, bucket: s.bucket, depth } })),
            { maxDepth, pageSize: view.options.pageSize, maxNodes: 50_000, ancestors: new Set([...view.ancestors, ...view.nodes.keys()]) },
          );
          for (const node of walked.nodes) if (view.put(node)) upserts.set(node.key, node);
          for (const entry of walked.truncated) view.setBucketEntry(entry);
          const grouped = new Map<string, typeof walked.truncated>();
          for (const entry of walked.truncated) grouped.set(entry.parentKey, [...(grouped.get(entry.parentKey) ?? []), entry]);
          for (const [parentKey, entries] of grouped) truncated.push({ parentKey, entries });
        }
      }
      toRead = [...next];
      for (const k of next) touched.add(k);
    }

    for (const [parentKey, record] of seenParents) {
      const cursors = Object.fromEntries(
        BUCKETS.map((b) => [b, record.pages[b].cursor === '0' ? null : Number(record.pages[b].cursor)]),
      ) as Record<Bucket, number | null>;
      const entries = view.retruncate(parentKey, cursors);
      if (entries) truncated.push({ parentKey, entries });
    }

    // New nodes in queues not followed yet: follow them, then read them once more.
    const late = await follow(view);
    if (late.size > 0) schedule(view, [...upserts.keys()].filter((k) => late.has(queueKeyOf(k))));
    for (const key of removed) upserts.delete(key);
    if (upserts.size === 0 && removed.length === 0 && truncated.length === 0) return null;
    if (removed.length > 0) unfollowUnused();
    return { subscriptionId: view.id, seq: view.nextSeq(), upserts: [...upserts.values()], removed, truncated };
  }

  const owned = (session: string, subscriptionId: string): LiveFlowView => {
    const view = views.get(subscriptionId);
    if (!view || view.session !== session) throw new FlowscopeError('NOT_FOUND', `No subscription ${subscriptionId}`);
    return view;
  };

  return {
    async subscribe(session, options) {
      const mine = [...views.values()].filter((v) => v.session === session);
      if (mine.length >= MAX_VIEWS_PER_SESSION) {
        throw new FlowscopeError('REFUSED', `At most ${MAX_VIEWS_PER_SESSION} live flow views per client: unsubscribe one first`);
      }
      const view = new LiveFlowView(randomUUID(), session, options);
      views.set(view.id, view);
      try {
        await load(view);
      } catch (err) {
        views.delete(view.id);
        unfollowUnused();
        throw err;
      }
      watchRoots();
      return snapshot(view);
    },
    async resync(session, subscriptionId) {
      const view = owned(session, subscriptionId);
      await running.get(view.id);
      pending.delete(view.id);
      await load(view);
      view.nextSeq();
      return snapshot(view);
    },
    unsubscribe(session, subscriptionId) {
      const view = views.get(subscriptionId);
      if (!view || view.session !== session) return false;
      views.delete(subscriptionId);
      pending.delete(subscriptionId);
      unfollowUnused();
      return true;
    },
    async adoptPage(session, subscriptionId, page) {
      const view = owned(session, subscriptionId);
      view.adoptPage(page);
      const late = await follow(view);
      if (late.size > 0) schedule(view, page.nodes.map((n) => n.key));
    },
    closeSession(session) {
      for (const view of [...views.values()]) if (view.session === session) views.delete(view.id);
      unfollowUnused();
    },
    resyncAll(why) {
      for (const view of views.values()) {
        deps.log.info('flow view resyncs', { subscriptionId: view.id, why });
        scheduleReload(view);
      }
    },
    async close() {
      closed = true;
      clearTimeout(rootTimer);
      views.clear();
      pending.clear();
      await Promise.allSettled([...running.values()]);
      await reader?.close();
    },
  };
}

