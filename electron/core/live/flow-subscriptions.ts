// Live flow views: subscribe to a job's subtree, get a snapshot, then sequence-numbered
// patches. This file wires the parts: the views (flow-view.ts), their runs (view-runner.ts: one
// at a time per view, work merged), the streams they follow (stream-follow.ts: one shared
// reader, events become re-reads), a run's refresh (view-refresh.ts) or whole load
// (view-load.ts), the root checks (root-checks.ts) and the reload back-off (reload-backoff.ts).
// When the reader may have missed events (reconnect, trimmed stream) the view reloads and a
// fresh snapshot is pushed.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../connection/redis-client';
import type { ChildrenPage, FlowPatch, FlowSnapshot } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import type { Logger } from '../log/logger';
import { LiveFlowView, type ViewOptions } from './flow-view';
import { ReloadBackoff } from './reload-backoff';
import { createRootChecks } from './root-checks';
import { createStreamFollow } from './stream-follow';
import { loadView, snapshotOf } from './view-load';
import { refreshView } from './view-refresh';
import { ViewRunner, type ViewWork } from './view-runner';

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

export function createFlowSubscriptions(deps: FlowSubscriptionsDeps): FlowSubscriptions {
  const views = new Map<string, LiveFlowView>();
  const isOpen = (id: string) => views.has(id);
  const runner = new ViewRunner(perform, isOpen);
  const backoff = new ReloadBackoff();
  const schedule = (view: LiveFlowView, keys: string[]) => runner.add(view.id, keys);
  const resync = (view: LiveFlowView, why: string) => {
    deps.log.info('flow view resyncs', { subscriptionId: view.id, why });
    runner.reload(view.id);
  };
  const streams = createStreamFollow(deps, {
    views: () => views.values(),
    touched: schedule,
    resync,
    reload: (view) => runner.reload(view.id),
  });
  const roots = createRootChecks({ redis: () => deps.redis(), views: () => views.values(), isOpen, busy: (id) => runner.busy(id), changed: resync });
  const loadDeps = { core: deps, streams, schedule };

  /** One run of a view: its reload or its refresh. Returns false to stop its runs (a reload failed). */
  async function perform(id: string, work: ViewWork): Promise<boolean> {
    const view = views.get(id)!;
    try {
      if (work.reload) {
        // A root gone (deleted, FLUSHALL, a Redis restarted empty) is pushed as such: a
        // snapshot of the missing root with a warning saying so, never the old tree kept.
        const gone = await loadView(view, loadDeps, 'show');
        backoff.reset(view.id);
        view.nextSeq();
        deps.sendSnapshot(view.session, snapshotOf(view, streams, gone));
      } else {
        const patch = await refreshView(view, work.keys, {
          redis: deps.redis(),
          prefix: deps.prefix,
          follow: (v) => streams.follow(v),
          schedule,
          unfollowUnused: streams.unfollowUnused,
          morePending: (v) => runner.hasPending(v.id),
        });
        if (patch) deps.sendPatch(view.session, patch);
      }
    } catch (err) {
      deps.log.warn('flow view update failed; reloading', { subscriptionId: view.id, message: (err as Error).message });
      if (!work.reload) runner.reload(view.id);
      else {
        // Redis is away or mid-failover: try the reload again, backing off, while the view lives.
        backoff.later(view.id, () => isOpen(view.id), () => runner.reload(view.id));
        return false;
      }
    }
    return true;
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
        await loadView(view, loadDeps);
      } catch (err) {
        views.delete(view.id);
        streams.unfollowUnused();
        throw err;
      }
      roots.watch();
      return snapshotOf(view, streams);
    },
    async resync(session, subscriptionId) {
      const view = owned(session, subscriptionId);
      await runner.settled(view.id);
      runner.forget(view.id);
      await loadView(view, loadDeps);
      view.nextSeq();
      return snapshotOf(view, streams);
    },
    unsubscribe(session, subscriptionId) {
      const view = views.get(subscriptionId);
      if (!view || view.session !== session) return false;
      views.delete(subscriptionId);
      runner.forget(subscriptionId);
      streams.unfollowUnused();
      return true;
    },
    async adoptPage(session, subscriptionId, page) {
      const view = owned(session, subscriptionId);
      view.adoptPage(page);
      const late = await streams.follow(view);
      if (late.size > 0) schedule(view, page.nodes.map((n) => n.key));
    },
    closeSession(session) {
      for (const view of [...views.values()]) if (view.session === session) views.delete(view.id);
      streams.unfollowUnused();
    },
    resyncAll(why) {
      for (const view of views.values()) resync(view, why);
    },
    async close() {
      roots.close();
      views.clear();
      await runner.close();
      await streams.close();
    },
  };
}
