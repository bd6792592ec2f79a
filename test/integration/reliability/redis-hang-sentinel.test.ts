// The health check does not fight a Sentinel failover: the master stopped with kill -STOP is
// shown "not responding" within 2 s, the Sentinel promotes the replica, and the connection
// follows it to the new master (connected, calls work) while the old one is still stopped; the
// health check's own connection follows it there too.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startTestSentinel, waitFor } from '../../helpers/topologies';
import { topologyForFile } from '../../helpers/topology-checks';
import { nextStatus } from '../../helpers/core-status';
import { healthConnectionsOn } from './health-clients';

const { topology: sentinel, core } = topologyForFile({
  start: () => startTestSentinel({ replicas: 1 }),
  core: (sentinel) => ({ redisUrl: sentinel.url, prefix: 'hang' }),
});


describe('Sentinel: a master that stops answering', () => {
  it('kill -STOP of the master: "not responding" within 2 s, then connected at the promoted replica', async () => {
    const oldMaster = sentinel.master;
    const replica = sentinel.replicas[0]!;
    expect(core.status()).toMatchObject({ state: 'connected', topology: { kind: 'sentinel', master: `${oldMaster.host}:${oldMaster.port}` } });
    await waitFor('the health connection on the master', async () => (await healthConnectionsOn(oldMaster)) === 1);
    expect(await healthConnectionsOn(replica)).toBe(0);
    const probe = new Redis({ host: oldMaster.host, port: oldMaster.port });
    const pid = Number(/process_id:(\d+)/.exec(await probe.info('server'))![1]);
    probe.disconnect();

    const down = nextStatus(core, (s) => s.code === 'NOT_RESPONDING');
    const moved = nextStatus(core, (s) => s.state === 'connected' && s.topology?.kind === 'sentinel' && s.topology.master === `${replica.host}:${replica.port}`);
    const start = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      expect((await down).at - start).toBeLessThan(2000);
      await moved;
      expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: true, result: [] });
      await waitFor('the health connection on the new master', async () => (await healthConnectionsOn(replica)) === 1);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }, 30_000);
});
