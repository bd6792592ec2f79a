// A client session for watch tests: records the `watchEvent`s the core sends it and lets a test
// await one (an event, not a sleep); and the kit of clients, producers and workers those tests use.
import { FlowProducer, type Job, type Worker } from 'bullmq';
import type { MethodInput, MethodName, MethodOutput, PushEvent } from '../../shared/contract';
import type { WatchEvent } from '../../shared/domain';
import type { Core } from '../../electron/core/create-core';
import { closeAfterEach } from './core-per-file';
import { sessionPushes } from './core-pushes';
import { JobOutcomes, startWorker } from './flows';
import type { TestRedis } from './redis';

export async function callAs<M extends MethodName>(core: Core, method: M, args: MethodInput<M>, session: string): Promise<MethodOutput<M>> {
  const result = await core.dispatch(method, args, session);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.result as MethodOutput<M>;
}

export interface WatchClient {
  /** The watch events received so far, in order. */
  readonly events: WatchEvent[];
  watch(queue: string, jobId: string): ReturnType<typeof callAs<'watchFlow'>>;
  watchQueue(queue: string): ReturnType<typeof callAs<'watchQueue'>>;
  next(match: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  /** Stops listening and closes the session (what a closed window or WebSocket does). */
  close(): void;
}

export function watchClient(core: Core, session: string): WatchClient {
  const recorded = sessionPushes(core, session);
  const isWatchEvent = (p: PushEvent): p is Extract<PushEvent, { event: 'watchEvent' }> => p.event === 'watchEvent';
  return {
    get events() {
      return recorded.pushes.filter(isWatchEvent).map((p) => p.payload);
    },
    watch: (queue, jobId) => callAs(core, 'watchFlow', { queue, jobId }, session),
    watchQueue: (queue) => callAs(core, 'watchQueue', { queue }, session),
    async next(match, timeoutMs = 20_000) {
      const found = await recorded.next((p) => isWatchEvent(p) && match(p.payload), timeoutMs);
      return (found as Extract<PushEvent, { event: 'watchEvent' }>).payload;
    },
    close() {
      recorded.off();
      core.closeSession(session);
    },
  };
}

/** Watch clients, flow producers and workers for the watch tests, each closed after its test. */
export function watchTestKit({ redis, core }: { redis: TestRedis; core: Core }) {
  const closing = closeAfterEach();
  return {
    client(session: string): WatchClient {
      const c = watchClient(core, session);
      closing(() => c.close());
      return c;
    },
    producer(): FlowProducer {
      const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
      closing(() => flows.close());
      return flows;
    },
    workers(outcomes: JobOutcomes, queues: string[], processor?: (job: Job) => Promise<unknown>): Worker[] {
      return queues.map((q) => {
        const worker = startWorker(outcomes, redis.connection, redis.prefix, q, processor);
        closing(() => worker.close());
        return worker;
      });
    },
    /** Closes `close` after the test too. */
    closing,
  };
}
