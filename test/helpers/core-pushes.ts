// The pushes a core sends one client session (flow snapshots and patches, watch events,
// connection status), recorded from the moment of the call, and a way to await one that
// matches (an event, not a sleep); and the checks of a flow view after Redis came back (it
// resyncs, then stays live).
import { Queue, type ConnectionOptions } from 'bullmq';
import { expect } from 'vitest';
import type { PushEvent } from '../../shared/contract';
import type { FlowSnapshot } from '../../shared/domain';
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

type NextPush = SessionPushes['next'];
const ofView = (view: FlowSnapshot, event: 'flowSnapshot' | 'flowPatch') => (e: PushEvent) => e.event === event && e.payload.subscriptionId === view.subscriptionId;

/** The view is read again once Redis answers: its next snapshot is newer than `view` and holds the same nodes. */
export async function expectResynced(next: NextPush, view: FlowSnapshot): Promise<void> {
  const resynced = await next<Extract<PushEvent, { event: 'flowSnapshot' }>>(ofView(view, 'flowSnapshot'));
  expect(resynced.payload.seq).toBeGreaterThan(view.seq);
  expect(resynced.payload.tree.nodes.map((n) => n.key).sort()).toEqual(view.tree.nodes.map((n) => n.key).sort());
}

/** The view is still live: a child of its root (in `queueName`) removed through BullMQ now reaches it as a patch. */
export async function expectStillLive(next: NextPush, view: FlowSnapshot, redis: { connection: ConnectionOptions; prefix: string }, queueName: string): Promise<void> {
  const child = view.tree.nodes.find((n) => n.key !== view.tree.root)!;
  const queue = new Queue(queueName, { connection: redis.connection, prefix: redis.prefix });
  await (await queue.getJob(child.key.split(':').pop()!))!.remove();
  await queue.close();
  const patch = await next<Extract<PushEvent, { event: 'flowPatch' }>>(ofView(view, 'flowPatch'));
  expect(patch.payload.removed).toContain(child.key);
}
