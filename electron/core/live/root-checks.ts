// The roots of the live views, checked every ROOT_CHECK_MS to still exist: a FLUSHALL (or a DEL,
// or a Redis that came back empty without the stream reader noticing) writes no event on any
// stream. One EXISTS per root in view, never a scan; a view that is busy anyway is skipped.
import type { RedisClient } from '../connection/redis-client';
import type { LiveFlowView } from './flow-view';

export const ROOT_CHECK_MS = 1000;

export interface RootChecksDeps {
  redis(): RedisClient;
  /** The views open now. */
  views(): Iterable<LiveFlowView>;
  isOpen(id: string): boolean;
  /** The view has a run going or waiting (it is looked at next time). */
  busy(id: string): boolean;
  /** The view's root vanished or came back: it reloads. */
  changed(view: LiveFlowView, why: string): void;
}

export interface RootChecks {
  /** Starts the timer if it is not running and some view is open. */
  watch(): void;
  close(): void;
}

export function createRootChecks(deps: RootChecksDeps): RootChecks {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function watch(): void {
    if (timer || closed || [...deps.views()].length === 0) return;
    timer = setTimeout(() => void check(), ROOT_CHECK_MS);
    timer.unref();
  }

  /** Reloads the views whose root vanished (or came back) without an event saying so. */
  async function check(): Promise<void> {
    const idle = [...deps.views()].filter((v) => v.root && !deps.busy(v.id));
    try {
      const roots = [...new Set(idle.map((v) => v.root))];
      const redis = deps.redis();
      // One EXISTS per key, written back to back (one round trip; each routed to its slot).
      const found = new Map(roots.map((key, i) => [key, i]));
      const replies = await Promise.all(roots.map((key) => redis.exists(key)));
      for (const view of idle) {
        const exists = replies[found.get(view.root)!]! > 0;
        const shownMissing = view.nodes.get(view.root)?.state === 'missing';
        if (exists === shownMissing && deps.isOpen(view.id)) deps.changed(view, exists ? 'root is back' : 'root is gone');
      }
    } catch {
      // Redis away or not responding: the health check says so; looked at again next time.
    } finally {
      timer = undefined;
      watch();
    }
  }

  return {
    watch,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
