// The pushes a core sends one client session (flow snapshots and patches, watch events,
// connection status), recorded from the moment of the call, and a way to await one that
// matches (an event, not a sleep).
import type { PushEvent } from '../../shared/contract';
import type { Core } from '../../electron/core/create-core';

export interface SessionPushes {
  /** Every push so far, in order (a test may empty it to await only later ones). */
  pushes: PushEvent[];
  /** The first recorded push that matches, or the next one to come; rejects after `timeoutMs`. */
  next<P extends PushEvent = PushEvent>(predicate: (p: PushEvent) => boolean, timeoutMs?: number): Promise<P>;
  /** Stops recording. */
  off(): void;
}

export function sessionPushes(core: Core, session: string): SessionPushes {
  const pushes: PushEvent[] = [];
  const waiters = new Set<() => void>();
  const off = core.onEvent((push) => {
    pushes.push(push);
    for (const w of [...waiters]) w();
  }, session);
  return {
    pushes,
    next<P extends PushEvent>(predicate: (p: PushEvent) => boolean, timeoutMs = 20_000) {
      return new Promise<P>((resolve, reject) => {
        const check = () => {
          const found = pushes.find(predicate);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found as P);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such push to session ${session} in ${timeoutMs} ms; got ${JSON.stringify(pushes).slice(0, 2000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    off,
  };
}
