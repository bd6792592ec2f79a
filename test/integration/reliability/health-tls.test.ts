// The health check's own connection carries the command connection's TLS and password: on a
// TLS-only redis-server with requirepass (a self-signed CA, given as the CA file) it opens and
// PINGs, and a server stopped with kill -STOP is noticed within 2 s, connected after -CONT.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { nextStatus } from '../../helpers/core-status';
import { startTestTls, waitFor } from '../../helpers/topologies';
import { topologyForFile } from '../../helpers/topology-checks';
import { clientsOn } from './health-clients';

const PASSWORD = `tls-${randomBytes(4).toString('hex')}`;
const { topology: tls, core } = topologyForFile({
  start: () => startTestTls({ password: PASSWORD }),
  core: (tls) => ({ redisUrl: tls.url, redisTlsCaFile: tls.caFile, prefix: 'tlshealth' }),
});

describe('the health check over TLS with a password', () => {
  it('its connection opens and PINGs; kill -STOP is noticed within 2 s; connected after -CONT', async () => {
    expect(core.status().state).toBe('connected');
    const admin = { password: PASSWORD, tls: { ca: tls.caPem } };
    const health = await waitFor('a PING on the health connection', async () => {
      const now = (await clientsOn(tls, admin)).filter((c) => c.health);
      return now.length === 1 && now[0]!.cmd === 'ping' ? now : false;
    });
    expect(health).toHaveLength(1);

    const probe = new Redis({ host: tls.host, port: tls.port, ...admin });
    const pid = Number(/process_id:(\d+)/.exec(await probe.info('server'))![1]);
    probe.disconnect();
    const down = nextStatus(core, (s) => s.code === 'NOT_RESPONDING');
    const up = nextStatus(core, (s) => s.state === 'connected');
    const start = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      expect((await down).at - start).toBeLessThan(2000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await up;
    expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: true });
  });
});
