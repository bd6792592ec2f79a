// A Redis that stops answering without closing its socket (DEBUG SLEEP, kill -STOP): within
// 2 s every client is told it is not responding, calls fail fast with REDIS_UNAVAILABLE instead
// of hanging, and when Redis answers again the status says connected and live views resync.
import { Queue } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus, FlowSnapshot } from '../../../shared/domain';
import { coreForFile } from '../../helpers/core-per-file';
import { expectResynced, expectStillLive, sessionPushes } from '../../helpers/core-pushes';
import { nextStatus } from '../../helpers/core-status';
import { addSmallFlow } from '../../helpers/flows';

const { redis, core } = coreForFile({ redis: { own: true } });
let rootId: string;

beforeAll(async () => {
  rootId = await addSmallFlow(redis, 'hang');
});

const notResponding = (s: ConnectionStatus) => s.state !== 'connected' && s.code === 'NOT_RESPONDING';
const connected = (s: ConnectionStatus) => s.state === 'connected';

/** Times a call. */
async function timed(method: string, args: unknown, session?: string) {
  const start = Date.now();
  const result = await core.dispatch(method, args, session);
  return { result, ms: Date.now() - start };
}

describe('a Redis that stops answering', () => {
  it('DEBUG SLEEP: "not responding" within 2 s, calls fail fast with REDIS_UNAVAILABLE, connected again after', async () => {
    const sleeper = redis.client();
    const down = nextStatus(core, notResponding);
    const up = nextStatus(core, connected);
    const start = Date.now();
    const sleeping = sleeper.call('DEBUG', 'SLEEP', '3').catch(() => undefined);

    const { status, at } = await down;
    expect(at - start).toBeLessThan(2000);
    expect(status).toMatchObject({ state: 'reconnecting', code: 'NOT_RESPONDING', message: expect.stringMatching(/not responding/i) });
    expect(core.status()).toMatchObject({ code: 'NOT_RESPONDING' });
    // While it is not responding, calls fail at once.
    const fast = await timed('listQueues', {});
    expect(fast.result).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE', message: expect.stringMatching(/not responding/i) } });
    expect(fast.ms).toBeLessThan(100);
    // Calls that need no Redis still answer.
    expect(await core.dispatch('getConnectionStatus', {})).toMatchObject({ ok: true, result: { code: 'NOT_RESPONDING' } });

    await sleeping;
    await up;
    expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: true, result: [{ name: 'hang' }] });
  });

  it('kill -STOP / -CONT under a live view: "not responding" within 2 s, a read in flight fails fast, an action in flight gets its outcome, then connected, the view resyncs and stays live', async () => {
    const session = 'stopped-view';
    const { pushes, next: nextPush, off } = sessionPushes(core, session);
    const subscribed = await core.dispatch('subscribeFlow', { queue: 'hang', jobId: rootId }, session);
    expect(subscribed.ok).toBe(true);
    const view = (subscribed as { result: FlowSnapshot }).result;

    const spare = new Queue('spare', { connection: redis.connection, prefix: redis.prefix });
    const spareKey = `${redis.prefix}:spare:${(await spare.add('x', {})).id}`;
    await spare.close();
    await redis.client().hset(`${redis.prefix}:spare:meta`, 'version', 'bullmq:6.7.0');

    const down = nextStatus(core, notResponding);
    const start = Date.now();
    process.kill(redis.pid!, 'SIGSTOP');
    // An action in flight when Redis stops waits for its outcome instead (its script may run).
    const action = core.dispatch('removeJob', { key: spareKey });
    try {
      // A read made as Redis stops is in flight when it does: it fails once the stop is noticed.
      const inFlight = timed('getFlowTree', { queue: 'hang', jobId: rootId });
      const { at } = await down;
      expect(at - start).toBeLessThan(2000);
      const stuck = await inFlight;
      expect(stuck.result).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE', message: expect.stringMatching(/stopped responding while getFlowTree ran/) } });
      expect(stuck.ms).toBeLessThan(2000);
      const fast = await timed('getFlowTree', { queue: 'hang', jobId: rootId });
      expect(fast.result).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
      expect(fast.ms).toBeLessThan(100);
    } finally {
      pushes.length = 0;
      process.kill(redis.pid!, 'SIGCONT');
    }
    await nextStatus(core, connected);
    expect(await action).toMatchObject({ ok: true, result: { removed: [spareKey] } });
    // The view is read again from Redis once it answers: a fresh snapshot, newer than before.
    await expectResynced(nextPush, view);
    // And it is still live: a change made now reaches it.
    await expectStillLive(nextPush, view, redis, 'hang');
    off();
    await core.dispatch('unsubscribeFlow', { subscriptionId: view.subscriptionId }, session);
  });
});
