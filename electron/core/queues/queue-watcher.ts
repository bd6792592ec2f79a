// Keeps the queue list fresh for connected clients: one discovery every interval while
// somebody listens, and an event only when something changed. New queues appear without a
// restart; nothing runs when no client is connected. Discovery SCANs the keyspace, so its cost
// grows with the Redis it watches: the next one waits at least 50 times as long as the last one
// took (capped at a minute), which keeps Flowscope's share of that Redis's time near 2% however
// big it is (a 1.5 s scan of a 2M-key Redis runs every 75 s, not every 1.5 s).
import type { QueueInfo } from '../../../shared/domain';

export interface QueueWatcher {
  start(): void;
  stop(): void;
  /** Runs one discovery now and emits if the list changed. */
  refresh(): Promise<QueueInfo[]>;
  /** Forgets the last list (after a connection switch) so the next one is always sent. */
  forget(): void;
}

/** Redis time spent discovering, at most 1 part in this many of the wall clock. */
export const DISCOVERY_LOAD_FACTOR = 50;
export const MAX_DISCOVERY_DELAY_MS = 60_000;

/** How long to wait before the next discovery, after one that took `lastMs`. */
export function nextDiscoveryDelay(intervalMs: number, lastMs: number): number {
  return Math.min(Math.max(intervalMs, lastMs * DISCOVERY_LOAD_FACTOR), Math.max(intervalMs, MAX_DISCOVERY_DELAY_MS));
}

export function createQueueWatcher(
  discover: () => Promise<QueueInfo[]>,
  emit: (queues: QueueInfo[]) => void,
  intervalMs = 1500,
): QueueWatcher {
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  let inFlight: Promise<QueueInfo[]> | undefined;
  let lastMs = 0;

  const refresh = () => {
    const started = Date.now();
    inFlight ??= discover()
      .then((queues) => {
        lastMs = Date.now() - started;
        const snapshot = JSON.stringify(queues);
        if (snapshot !== last) {
          last = snapshot;
          emit(queues);
        }
        return queues;
      })
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  let running = false;
  // One chain of timers at a time: a stop() and start() while a discovery runs begins a new
  // chain, and the old one ends when that discovery does.
  let chain = 0;
  const schedule = (mine: number) => {
    timer = setTimeout(() => {
      void refresh()
        .catch(() => undefined)
        .finally(() => {
          if (running && mine === chain) schedule(mine);
        });
    }, nextDiscoveryDelay(intervalMs, lastMs));
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
    refresh,
    forget() {
      last = '';
    },
  };
}
