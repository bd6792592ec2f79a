// The WebSocket clients' calls: each client's run in order, MAX_CALLS_IN_FLIGHT at once and
// MAX_CALLS_QUEUED waiting; while several clients have calls, the running ones are shared out
// fairly. A slot is freed when the caller releases it (the web host: once the answer is handed
// to the socket), so a client that does not read its answers stops getting new ones run, and
// one client's burst only ever takes its share of the one Redis connection.
import type { ClientFrame } from '../../shared/contract';

// A test seam: exported for the host's limit tests (test/integration/reliability/host-call-limits.test.ts, host-fairness.test.ts).
/**
 * Calls one WebSocket client may have running at once; more wait in its queue. While N > 1
 * clients have calls, each may run SHARED_CALLS_IN_FLIGHT / N of them (at least one).
 */
export const MAX_CALLS_IN_FLIGHT = 8;
// A test seam: exported for the host's limit tests (test/integration/reliability/host-fairness.test.ts).
/**
 * Calls running at once over all WebSocket clients while more than one has calls, shared out
 * equally (at least one each). Fewer than a client alone may run (MAX_CALLS_IN_FLIGHT): another
 * client's call waits behind every call already running (one Redis connection, one event loop),
 * so each call more running is that much longer to wait.
 */
export const SHARED_CALLS_IN_FLIGHT = 4;
// A test seam: exported for the host's limit tests (test/integration/reliability/host-call-limits.test.ts, host-fairness.test.ts).
/** Calls one WebSocket client may have waiting; beyond, a call is refused with BUSY at once. */
export const MAX_CALLS_QUEUED = 64;

/** Runs one call; `release` frees its slot (a second release does nothing). */
export type RunCall = (frame: ClientFrame, release: () => void) => void;

/** One client's calls. */
export interface ClientCalls {
  /** Queues a call and runs what its share allows; false (nothing queued) when MAX_CALLS_QUEUED wait already. */
  offer(frame: ClientFrame): boolean;
  /** Drops the calls still waiting and gives the client's share to the others. */
  close(): void;
}

export interface CallPool {
  /** A client joins; its calls run while `open()` holds. */
  join(run: RunCall, open: () => boolean): ClientCalls;
}

/** One client's calls: running, and waiting their turn. */
interface CallQueue {
  running: number;
  waiting: ClientFrame[];
  runNext(): void;
}

export function createCallPool(): CallPool {
  const queues = new Set<CallQueue>();
  const fairShare = () => {
    let busy = 0;
    for (const q of queues) if (q.running > 0 || q.waiting.length > 0) busy++;
    return busy <= 1 ? MAX_CALLS_IN_FLIGHT : Math.max(1, Math.floor(SHARED_CALLS_IN_FLIGHT / busy));
  };
  // A slot freed by one client may be another's to take (its share grows as this one idles).
  const runAll = () => {
    for (const q of queues) q.runNext();
  };

  return {
    join(run, open) {
      const queue: CallQueue = {
        running: 0,
        waiting: [],
        runNext() {
          while (queue.running < fairShare() && queue.waiting.length > 0 && open()) {
            const frame = queue.waiting.shift()!;
            queue.running++;
            let released = false;
            run(frame, () => {
              if (released) return;
              released = true;
              queue.running--;
              runAll();
            });
          }
        },
      };
      queues.add(queue);
      return {
        offer(frame) {
          if (queue.waiting.length >= MAX_CALLS_QUEUED) return false;
          queue.waiting.push(frame);
          queue.runNext();
          return true;
        },
        close() {
          queue.waiting.length = 0;
          queues.delete(queue);
          runAll();
        },
      };
    },
  };
}
