// Redis cut off by the network: a TCP proxy of this test between the core and Redis stops
// forwarding without closing a socket (a blackhole). Within 2 s every client is told Redis is
// not responding and calls fail fast with REDIS_UNAVAILABLE; when the proxy forwards again the
// status is connected, the live view gets a fresh snapshot and stays live.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus, FlowSnapshot } from '../../../shared/domain';
import { coreForFile } from '../../helpers/core-per-file';
import { expectResynced, expectStillLive, sessionPushes } from '../../helpers/core-pushes';
import { nextStatus } from '../../helpers/core-status';
import { addSmallFlow } from '../../helpers/flows';
import { startTcpProxy } from '../../helpers/tcp-proxy';

// The core reaches Redis through a TCP proxy of this test.
const { redis, core, via: proxy } = coreForFile({ redis: { own: true }, via: (r) => startTcpProxy(r.connection) });
let rootId: string;

beforeAll(async () => {
  rootId = await addSmallFlow(redis, 'cut');
});

const notResponding = (s: ConnectionStatus) => s.state !== 'connected' && s.code === 'NOT_RESPONDING';

describe('Redis behind a network blackhole', () => {
  it('"not responding" within 2 s, calls fail fast, then connected, a fresh snapshot and live patches once it forwards again', async () => {
    const session = 'blackholed';
    const { pushes, next: nextPush, off } = sessionPushes(core, session);
    const opened = await core.dispatch('subscribeFlow', { queue: 'cut', jobId: rootId }, session);
    expect(opened.ok).toBe(true);
    const view = (opened as { ok: true; result: FlowSnapshot }).result;
    expect(proxy.connections()).toBeGreaterThan(0);

    const down = nextStatus(core, notResponding);
    const start = Date.now();
    proxy.blackhole();
    let restored = false;
    try {
      // A read sent into the blackhole fails once the stop is noticed, not after a timeout.
      const inFlight = core.dispatch('getFlowTree', { queue: 'cut', jobId: rootId });
      const { at, status } = await down;
      expect(at - start).toBeLessThan(2000);
      expect(status.message).toMatch(/not responding/i);
      expect(await inFlight).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
      expect(Date.now() - start).toBeLessThan(2500);
      const fastStart = Date.now();
      expect(await core.dispatch('getJob', { key: `${redis.prefix}:cut:${rootId}` })).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
      expect(Date.now() - fastStart).toBeLessThan(100);
      expect(await core.dispatch('getConnectionStatus', {})).toMatchObject({ ok: true, result: { code: 'NOT_RESPONDING' } });

      pushes.length = 0;
      const up = nextStatus(core, (s) => s.state === 'connected');
      proxy.restore();
      restored = true;
      await up;
    } finally {
      if (!restored) proxy.restore();
    }
    await expectResynced(nextPush, view);
    expect(await core.dispatch('getFlowTree', { queue: 'cut', jobId: rootId })).toMatchObject({ ok: true });
    await expectStillLive(nextPush, view, redis, 'cut');
    off();
  });
});
