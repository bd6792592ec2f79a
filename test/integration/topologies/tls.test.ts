// Flowscope against a TLS-only redis-server whose certificate a self-signed CA signed (made by
// openssl at test time): rediss:// with --tls-ca reads trees equal to BullMQ's, repairs from the
// CLI and follows a live view; without the CA the connection is refused with the reason, and a
// CA file given for a plain redis:// URL is a usage error.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testConnection } from '../../../electron/core/connection/test-connection';
import { startTestTls } from '../../helpers/topologies';
import { checkLiveView, itRepairsOn, topologyForFile } from '../../helpers/topology-checks';
import { runFlowscope } from '../../helpers/cli-io';

const PASSWORD = `tls-${randomBytes(4).toString('hex')}`;
let writer: Redis;
const prefix = `fs${randomBytes(3).toString('hex')}`;
const { topology: tls, target, data } = topologyForFile({
  start: () => startTestTls({ password: PASSWORD }),
  target: (tls) => {
    const connection = { host: tls.host, port: tls.port, password: PASSWORD, tls: { ca: tls.caPem }, maxRetriesPerRequest: null };
    writer = new Redis(connection);
    return { url: tls.url, cliArgs: ['--tls-ca', tls.caFile], coreOptions: { redisTlsCaFile: tls.caFile }, harness: { prefix, connection, client: () => writer } };
  },
});
afterAll(() => writer?.disconnect());

describe('TLS with a self-signed CA', () => {
  it('connects with the CA file and says why it cannot without it', async () => {
    expect(await testConnection({ url: tls.url, tlsCaFile: tls.caFile }, prefix)).toMatchObject({ ok: true, topology: { kind: 'standalone' } });
    const untrusted = await testConnection({ url: tls.url }, prefix);
    expect(untrusted.ok).toBe(false);
    expect(untrusted.message).toMatch(/self.signed|certificate/i);
    const missing = await testConnection({ url: tls.url, tlsCaFile: `${data.dir}/none.pem` }, prefix);
    expect(missing.message).toMatch(/Cannot read the TLS CA file .*none\.pem: ENOENT/);
  });

  it('refuses a CA file for a URL without TLS (usage error, nothing run)', async () => {
    const run = await runFlowscope(['queues', '--redis', `redis://127.0.0.1:${tls.port}`, '--tls-ca', tls.caFile, '--data-dir', data.dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/use rediss:\/\//);
  });

  itRepairsOn(target, data);

  it('a live view follows the workers', async () => {
    const live = await checkLiveView(target, data.dir);
    expect(JSON.stringify(live.statuses)).not.toContain(PASSWORD);
  });
});
