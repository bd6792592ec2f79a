// The health check on a Redis Cluster: one master stopped with kill -STOP (its socket stays
// open, it just stops answering) is noticed within 2 s as "not responding", calls fail fast,
// and after kill -CONT the status says connected again and calls work.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startTestCluster, waitFor } from '../../helpers/topologies';
import { topologyForFile } from '../../helpers/topology-checks';
import { nextStatus } from '../../helpers/core-status';
import { healthConnectionsOn } from './health-clients';

const { topology: cluster, core } = topologyForFile({
  // A long node timeout: the other masters must not fail the stopped one over during the test.
  start: () => startTestCluster({ masters: 3, nodeTimeoutMs: 15_000 }),
  core: (cluster) => ({ redisUrl: cluster.seedsUrl, prefix: '{hang}' }),
});


async function pidOf(port: number): Promise<number> {
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  try {
    await probe.connect();
    return Number(/process_id:(\d+)/.exec(await probe.info('server'))![1]);
  } finally {
    probe.disconnect();
  }
}

describe('a cluster master that stops answering', () => {
  it('kill -STOP of one master: "not responding" within 2 s, calls fail fast; kill -CONT: connected again', async () => {
    expect(core.status()).toMatchObject({ state: 'connected', topology: { kind: 'cluster', masters: 3 } });
    // The health check has a connection of its own to every master.
    const perMaster = await waitFor('a health connection on every master', async () => {
      const counts = await Promise.all(cluster.masters.map((m) => healthConnectionsOn({ host: '127.0.0.1', port: m.port })));
      return counts.every((n) => n > 0) ? counts : false;
    });
    expect(perMaster).toEqual([1, 1, 1]);
    const pid = await pidOf(cluster.masters[1]!.port);
    const down = nextStatus(core, (s) => s.code === 'NOT_RESPONDING');
    const start = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      const { status, at } = await down;
      expect(at - start).toBeLessThan(2000);
      expect(status).toMatchObject({ state: 'reconnecting', code: 'NOT_RESPONDING' });
      const t = Date.now();
      expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
      expect(Date.now() - t).toBeLessThan(100);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await nextStatus(core, (s) => s.state === 'connected');
    expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: true, result: [] });
  });
});
