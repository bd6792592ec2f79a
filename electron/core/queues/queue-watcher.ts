// Keeps the queue list fresh for connected clients: one discovery every interval while
// somebody listens, and an event only when something changed. New queues appear without a
// restart; nothing runs when no client is connected.
import type { QueueInfo } from '../../../shared/domain';

export interface QueueWatcher {
  start(): void;
  stop(): void;
  /** Runs one discovery now and emits if the list changed. */
  refresh(): Promise<QueueInfo[]>;
  /** Forgets the last list (after a connection switch) so the next one is always sent. */
  forget(): void;
}

export function createQueueWatcher(
  discover: () => Promise<QueueInfo[]>,
  emit: (queues: QueueInfo[]) => void,
  intervalMs = 1500,
): QueueWatcher {
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  let inFlight: Promise<QueueInfo[]> | undefined;

  const refresh = () => {
    inFlight ??= discover()
      .then((queues) => {
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

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void refresh().catch(() => undefined), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    refresh,
    forget() {
      last = '';
    },
  };
}
