// A client session for watch tests: records the `watchEvent`s the core sends it and lets a test
// await one (an event, not a sleep).
import type { MethodInput, MethodName, MethodOutput, PushEvent } from '../../shared/contract';
import type { WatchEvent } from '../../shared/domain';
import type { Core } from '../../electron/core/create-core';

export async function callAs<M extends MethodName>(core: Core, method: M, args: MethodInput<M>, session: string): Promise<MethodOutput<M>> {
  const result = await core.dispatch(method, args, session);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.result as MethodOutput<M>;
}

export interface WatchClient {
  events: WatchEvent[];
  watch(queue: string, jobId: string): ReturnType<typeof callAs<'watchFlow'>>;
  watchQueue(queue: string): ReturnType<typeof callAs<'watchQueue'>>;
  next(match: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  /** Stops listening and closes the session (what a closed window or WebSocket does). */
  close(): void;
}

export function watchClient(core: Core, session: string): WatchClient {
  const events: WatchEvent[] = [];
  const waiters: { match: (e: WatchEvent) => boolean; resolve: (e: WatchEvent) => void }[] = [];
  const off = core.onEvent((push: PushEvent) => {
    if (push.event !== 'watchEvent') return;
    events.push(push.payload);
    for (const w of [...waiters]) {
      if (w.match(push.payload)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(push.payload);
      }
    }
  }, session);
  return {
    events,
    watch: (queue, jobId) => callAs(core, 'watchFlow', { queue, jobId }, session),
    watchQueue: (queue) => callAs(core, 'watchQueue', { queue }, session),
    next(match, timeoutMs = 20_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such watch event in ${timeoutMs} ms; got ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    close() {
      off();
      core.closeSession(session);
    },
  };
}
