// Keeps the queue list fresh for connected clients while somebody listens: every interval one
// counts pipeline over the known queues (queue-registry.ts), then a rescan of the set only if the
// keyspace's key count moved and the registry's backoff has passed. The registry pushes the list
// only when it changed; nothing runs when no client is connected. A counts pipeline's cost grows
// with the number of queues, so the next tick waits at least 50 times as long as the last one
// took (capped at a minute).
import type { QueueRegistry } from './queue-registry';

export interface QueueWatcher {
  start(): void;
  stop(): void;
}

/** Redis time spent counting, at most 1 part in this many of the wall clock. */
export const COUNT_LOAD_FACTOR = 50;
export const MAX_COUNT_DELAY_MS = 60_000;

// A test seam: exported for test/unit/queue-watcher.test.ts.
/** How long to wait before the next tick, after a counts pipeline that took `lastMs`. */
export function nextCountDelay(intervalMs: number, lastMs: number): number {
  return Math.min(Math.max(intervalMs, lastMs * COUNT_LOAD_FACTOR), Math.max(intervalMs, MAX_COUNT_DELAY_MS));
}

export function createQueueWatcher(registry: QueueRegistry, intervalMs = 1500): QueueWatcher {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  // One chain of timers at a time: a stop() and start() while a tick runs begins a new chain,
  // and the old one ends when that tick does.
  let chain = 0;
  const tick = async () => {
    await registry.refreshCounts();
    await registry.rescanIfChanged();
  };
  const schedule = (mine: number) => {
    timer = setTimeout(() => {
      void tick()
        .catch(() => undefined)
        .finally(() => {
          if (running && mine === chain) schedule(mine);
        });
    }, nextCountDelay(intervalMs, registry.stats().lastCountMs));
    timer.unref();
  };

  return {
    start() {
      if (running) return;
      running = true;
      schedule(++chain);
    },
    stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
