// Live flow views: subscribe to a job's subtree, get a snapshot, then sequence-numbered
// patches. This file wires the parts: the views (flow-view.ts), their runs (view-runner.ts: a
// refresh reads while the one before applies, work merged), the streams they follow
// (stream-follow.ts: one shared reader, events become re-reads), a run's refresh
// (view-refresh.ts: read, then apply) or whole load (view-load.ts), the root checks
// (root-checks.ts) and the reload back-off (reload-backoff.ts). When the reader may have
// missed events (reconnect, trimmed stream) the view reloads and a fresh snapshot is pushed;
// a resync the client asks for is the same reload, its snapshot the answer. A reload runs alone
// in the view's runner: a re-read that ran beside it could apply first and then be overwritten
// by the older value the load had read; an event that comes meanwhile is re-read after it.
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
import { applyRefresh, readRefresh } from './view-refresh';
import { ViewRunner, type ApplyRun, type ViewWork } from './view-runner';

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
 * Most job keys one refresh of a view re-reads (view-runner.ts): a backlog of events goes out
 * in several short runs, pipelined, instead of one long one that every key waits for.
 */
export const MAX_KEYS_PER_RUN = 250;

export function createFlowSubscriptions(deps: FlowSubscriptionsDeps): FlowSubscriptions {
  const views = new Map<string, LiveFlowView>();
  const isOpen = (id: string) => views.has(id);
  const runner = new ViewRunner(start, isOpen, 1, MAX_KEYS_PER_RUN);
  const backoff = new ReloadBackoff();
  const schedule = (view: LiveFlowView, keys: string[], list = false) => runner.add(view.id, keys, list);
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
  /** Resyncs asked for by clients, waiting for their view's next reload: its snapshot is their answer, not a push. */
  const asked = new Map<string, { resolve: (snapshot: FlowSnapshot) => void; reject: (err: unknown) => void }[]>();
  const answerAsked = (id: string, outcome: { snapshot: FlowSnapshot } | { error: unknown }): boolean => {
    const waiting = asked.get(id);
    if (!waiting) return false;
    asked.delete(id);
    for (const w of waiting) {
      if ('snapshot' in outcome) w.resolve(outcome.snapshot);
      else w.reject(outcome.error);
    }
    return true;
  };
  const noView = (id: string) => answerAsked(id, { error: new FlowscopeError('NOT_FOUND', `No subscription ${id}`) });

  /** Read at each run: the connection and prefix follow a connection switch. */
  const refreshDeps = () => ({
    redis: deps.redis(),
    prefix: deps.prefix,
    follow: (v: LiveFlowView) => streams.follow(v),
    schedule,
    unfollowUnused: streams.unfollowUnused,
    morePending: (v: LiveFlowView) => runner.hasPending(v.id),
  });

  /**
   * One run of a view. A reload is done whole (false stops its runs: the reload failed); a
   * refresh resolves once its reads are in, with the step that applies them and sends the patch.
   */
  async function start(id: string, work: ViewWork): Promise<boolean | ApplyRun> {
    const view = views.get(id)!;
    if (work.reload) return reload(view);
    const failed = (err: unknown) => {
      deps.log.warn('flow view update failed; reloading', { subscriptionId: view.id, message: (err as Error).message });
      runner.reload(view.id);
      return true;
    };
    try {
      const read = await readRefresh(view, work, { redis: deps.redis() });
      return async () => {
        if (!read || !isOpen(view.id)) return true;
        try {
          const patch = await applyRefresh(view, read, refreshDeps());
          if (patch) deps.sendPatch(view.session, patch);
        } catch (err) {
          return failed(err);
        }
        return true;
      };
    } catch (err) {
      return failed(err);
    }
  }

  async function reload(view: LiveFlowView): Promise<boolean> {
    try {
      // A root gone (deleted, FLUSHALL, a Redis restarted empty) is pushed as such: a
      // snapshot of the missing root with a warning saying so, never the old tree kept.
      const gone = await loadView(view, loadDeps, 'show');
      backoff.reset(view.id);
      view.nextSeq();
      const snapshot = snapshotOf(view, streams, gone);
      // A client that asked gets the snapshot as its answer (NOT_FOUND when the flow is gone:
      // then the view's new state is pushed as well).
      if (!answerAsked(view.id, gone ? { error: gone } : { snapshot }) || gone) deps.sendSnapshot(view.session, snapshot);
      return true;
    } catch (err) {
      answerAsked(view.id, { error: err });
      deps.log.warn('flow view update failed; reloading', { subscriptionId: view.id, message: (err as Error).message });
      // Redis is away or mid-failover: try the reload again, backing off, while the view lives.
      backoff.later(view.id, () => isOpen(view.id), () => runner.reload(view.id));
      return false;
    }
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
    resync(session, subscriptionId) {
      const view = owned(session, subscriptionId);
      return new Promise<FlowSnapshot>((resolve, reject) => {
        asked.set(view.id, [...(asked.get(view.id) ?? []), { resolve, reject }]);
        runner.reload(view.id);
      });
    },
    unsubscribe(session, subscriptionId) {
      const view = views.get(subscriptionId);
      if (!view || view.session !== session) return false;
      views.delete(subscriptionId);
      runner.forget(subscriptionId);
      noView(subscriptionId);
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
      for (const view of [...views.values()]) {
        if (view.session !== session) continue;
        views.delete(view.id);
        noView(view.id);
      }
      streams.unfollowUnused();
    },
    resyncAll(why) {
      for (const view of views.values()) resync(view, why);
    },
    async close() {
      roots.close();
      for (const id of views.keys()) noView(id);
      views.clear();
      await runner.close();
      await streams.close();
    },
  };
}
