// The watch service: what each client (session) watches, and the `watchEvent`s it is sent when
// a watched flow completes, fails or becomes stuck. A flow watch is a live flow view of its own
// (live/flow-subscriptions.ts: the one XREAD shared by every view, events re-read the jobs they
// name, gaps end in a fresh snapshot), held under an internal session; each patch is applied to
// the watch's copy of the tree (shared/flow-model.ts) and the root's outcome read from it
// (flow-outcome.ts). Queue watches are in queue-watches.ts. Nothing here writes to Redis, so
// read-only connections may watch. A watch ends when it is unwatched, when its client's session
// closes, when its root is removed, or when the connection is switched.
import { randomUUID } from 'node:crypto';
import type { FlowPatch, FlowSnapshot, FlowTree, WatchEvent, WatchInfo, WatchOutcome } from '../../../shared/domain';
import { MAX_WATCHES_PER_SESSION } from '../../../shared/domain';
import { patchTree } from '../../../shared/flow-model';
import { FlowscopeError } from '../../../shared/errors';
import type { CoreContext } from '../core-context';
import { ANONYMOUS_SESSION } from '../dispatch';
import countBlockingLua from '../flows/count-blocking.lua?raw';
import { queueExists } from '../flows/missing-job';
import type { FlowSubscriptions } from '../live/flow-subscriptions';
import { luaScript, RoundTrips } from '../lua/round-trips';
import { DEFAULT_DEPTH, DEFAULT_PAGE_SIZE } from '../tree';
import { blockingDetail, flowOutcome } from './flow-outcome';
import { createQueueWatches, type QueueWatch } from './queue-watches';
import { watchSession, watchIdOf } from './watch-session';

const COUNT_BLOCKING = luaScript('count-blocking', countBlockingLua);

interface FlowWatch {
  info: WatchInfo;
  session: string;
  subscriptionId: string | null;
  tree: FlowTree | null;
  /** Updates arriving while the outcome is being worked out wait here (one at a time per watch). */
  checking: Promise<void>;
}

export interface WatchService {
  watchFlow(session: string, queue: string, jobId: string): Promise<WatchInfo>;
  watchQueue(session: string, queue: string): Promise<WatchInfo>;
  unwatch(session: string, watchId: string): boolean;
  list(session: string): WatchInfo[];
  /** A flow view's patch or snapshot: true when it was a watch's (then no client gets it). */
  onPatch(session: string, patch: FlowPatch): boolean;
  onSnapshot(session: string, snapshot: FlowSnapshot): boolean;
  /** Ends every watch of a client (its window or WebSocket closed). */
  closeSession(session: string): void;
  /** Ends every watch, telling each client why (the connection is switched). */
  endAll(why: string): Promise<void>;
  close(): Promise<void>;
}

export function createWatchService(ctx: Pick<CoreContext, 'redis' | 'prefix' | 'log' | 'emit'>, subscriptions: () => FlowSubscriptions): WatchService {
  const flows = new Map<string, FlowWatch>();
  const queues = new Map<string, QueueWatch & { info: WatchInfo }>();

  const send = (session: string, event: Omit<WatchEvent, 'at'>) => ctx.emit('watchEvent', { ...event, at: Date.now() }, session);

  let queueWatches = newQueueWatches();
  function newQueueWatches() {
    return createQueueWatches({
      redis: ctx.redis,
      get prefix() {
        return ctx.prefix;
      },
      log: ctx.log,
      send: (watch, event) => send(watch.session, { watchId: watch.id, kind: 'queue', ...event }),
    });
  }

  const countOf = (session: string) =>
    [...flows.values()].filter((w) => w.session === session).length + [...queues.values()].filter((w) => w.session === session).length;

  function admit(session: string): void {
    if (session === ANONYMOUS_SESSION) {
      throw new FlowscopeError('REFUSED', 'Watching needs a client that stays connected (the app window or the web page): one HTTP call cannot be told when a flow finishes');
    }
    if (countOf(session) >= MAX_WATCHES_PER_SESSION) {
      throw new FlowscopeError('REFUSED', `At most ${MAX_WATCHES_PER_SESSION} watches per client: unwatch one first`);
    }
  }

  /** Reads the outcome from the watch's tree; tells the client when it changed to one. */
  async function check(watch: FlowWatch): Promise<void> {
    if (!watch.tree || !flows.has(watch.info.id)) return;
    const root = watch.tree.nodes.find((n) => n.key === watch.tree!.root);
    if (!root || root.state === 'missing') {
      end(watch, 'its root job was removed');
      return;
    }
    if (root.name) watch.info.name = root.name;
    const seen = flowOutcome(watch.tree);
    let { outcome, detail } = seen;
    if (seen.askBlocking) {
      // The root's unprocessed bucket is cut: the blocking children may be among those not shown.
      const [reply] = await new RoundTrips(ctx.redis()).run([{ script: COUNT_BLOCKING, keys: [root.key], args: [10_000] }]);
      const count = Number((reply as unknown[][] | undefined)?.[0]?.[0] ?? 0);
      if (count > 0) [outcome, detail] = ['stuck', blockingDetail(count)];
    }
    if (!flows.has(watch.info.id) || outcome === watch.info.outcome) return;
    watch.info.outcome = outcome;
    if (outcome) tell(watch, outcome, detail);
  }

  function tell(watch: FlowWatch, outcome: WatchOutcome | 'ended', detail: string): void {
    send(watch.session, {
      watchId: watch.info.id,
      kind: 'flow',
      outcome,
      queue: watch.info.queue,
      jobId: watch.info.jobId!,
      key: watch.info.key!,
      name: watch.info.name,
      detail,
    });
  }

  function schedule(watch: FlowWatch): void {
    watch.checking = watch.checking
      .then(() => check(watch))
      .catch((err: unknown) => ctx.log.warn('watch could not read its flow', { watchId: watch.info.id, message: (err as Error).message }));
  }

  function drop(watch: FlowWatch): void {
    flows.delete(watch.info.id);
    subscriptions().closeSession(watchSession(watch.info.id));
  }

  function end(watch: FlowWatch, why: string): void {
    drop(watch);
    tell(watch, 'ended', `The watch ended: ${why}`);
  }

  return {
    async watchFlow(session, queue, jobId) {
      admit(session);
      const id = randomUUID();
      const key = `${ctx.prefix}:${queue}:${jobId}`;
      const watch: FlowWatch = {
        info: { id, kind: 'flow', queue, jobId, key, name: null, outcome: null, since: Date.now() },
        session,
        subscriptionId: null,
        tree: null,
        checking: Promise.resolve(),
      };
      flows.set(id, watch);
      try {
        // Unknown queue or job: the view's own NOT_FOUND, naming which is missing.
        const snapshot = await subscriptions().subscribe(watchSession(id), { queue, jobId, depth: DEFAULT_DEPTH, pageSize: DEFAULT_PAGE_SIZE });
        watch.subscriptionId = snapshot.subscriptionId;
        watch.tree = snapshot.tree;
        const now = flowOutcome(snapshot.tree);
        watch.info.name = snapshot.tree.nodes.find((n) => n.key === snapshot.tree.root)?.name ?? null;
        // The outcome it has now is what the answer says; events are for changes from here.
        watch.info.outcome = now.outcome;
        if (now.askBlocking) schedule(watch);
      } catch (err) {
        flows.delete(id);
        subscriptions().closeSession(watchSession(id));
        throw err;
      }
      return { ...watch.info };
    },
    async watchQueue(session, queue) {
      admit(session);
      if (!(await queueExists(ctx.redis(), ctx.prefix, queue))) {
        throw new FlowscopeError('NOT_FOUND', `No queue ${queue} under prefix ${ctx.prefix}`, { queue, queueExists: false });
      }
      const id = randomUUID();
      const watch = {
        id,
        session,
        queue,
        stuck: new Set<string>(),
        info: { id, kind: 'queue' as const, queue, jobId: null, key: null, name: null, outcome: null, since: Date.now() },
      };
      queues.set(id, watch);
      try {
        await queueWatches.add(watch);
      } catch (err) {
        queues.delete(id);
        throw err;
      }
      return { ...watch.info };
    },
    unwatch(session, watchId) {
      const flow = flows.get(watchId);
      if (flow && flow.session === session) {
        drop(flow);
        return true;
      }
      const queue = queues.get(watchId);
      if (queue && queue.session === session) {
        queues.delete(watchId);
        queueWatches.remove(watchId);
        return true;
      }
      return false;
    },
    list(session) {
      return [...flows.values(), ...queues.values()]
        .filter((w) => w.session === session)
        .map((w) => ({ ...w.info }))
        .sort((a, b) => a.since - b.since);
    },
    onPatch(session, patch) {
      const id = watchIdOf(session);
      if (id === null) return false;
      const watch = flows.get(id);
      if (watch?.tree && patch.subscriptionId === watch.subscriptionId) {
        watch.tree = patchTree(watch.tree, patch);
        schedule(watch);
      }
      return true;
    },
    onSnapshot(session, snapshot) {
      const id = watchIdOf(session);
      if (id === null) return false;
      const watch = flows.get(id);
      if (watch && snapshot.subscriptionId === watch.subscriptionId) {
        watch.tree = snapshot.tree;
        schedule(watch);
      }
      return true;
    },
    closeSession(session) {
      for (const watch of [...flows.values()]) if (watch.session === session) drop(watch);
      for (const watch of [...queues.values()]) {
        if (watch.session !== session) continue;
        queues.delete(watch.id);
        queueWatches.remove(watch.id);
      }
    },
    async endAll(why) {
      for (const watch of [...flows.values()]) end(watch, why);
      for (const watch of [...queues.values()]) {
        send(watch.session, { watchId: watch.id, kind: 'queue', outcome: 'ended', queue: watch.queue, jobId: '', key: '', name: null, detail: `The watch ended: ${why}` });
      }
      queues.clear();
      await queueWatches.close();
      queueWatches = newQueueWatches();
    },
    async close() {
      for (const watch of [...flows.values()]) drop(watch);
      queues.clear();
      await queueWatches.close();
    },
  };
}
