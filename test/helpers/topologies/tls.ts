// A throwaway TLS-only redis-server on loopback: a CA and a server certificate for 127.0.0.1
// (subjectAltName IP:127.0.0.1, DNS:localhost) made with openssl at start, in the throwaway
// folder; the server listens on a TLS port only (--port 0) and does not ask clients for
// certificates.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseServerArgs,
  LOOPBACK,
  makeTempDir,
  removeTempDir,
  run,
  runCleanups,
  spawnRedis,
} from './processes';

export interface TestTlsOptions {
  /** requirepass on the server (then in the URL too). */
  password?: string;
}

export interface TestTls {
  /** `rediss://[:password@]127.0.0.1:PORT` */
  url: string;
  host: string;
  port: number;
  password?: string;
  /** The CA certificate (PEM file) that signed the server's certificate: `tls: { ca }` trusts it. */
  caFile: string;
  caPem: string;
  certFile: string;
  keyFile: string;
  /** The throwaway folder (removed by stop()). */
  dir: string;
  /** The server's log, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

/** Makes ca.key/ca.crt and server.key/server.crt (P-256, valid 2 days) in `dir`. */
async function makeCertificates(dir: string): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const file = (name: string) => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-sha256',
    '-subj', '/CN=Flowscope test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', ['req', '-new', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${LOOPBACK}`]);
  writeFileSync(
    file('server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=IP:${LOOPBACK},DNS:localhost`,
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.crt'), '-days', '2', '-sha256', '-extfile', file('server.ext'),
  ]);
  return { caFile: file('ca.crt'), certFile: file('server.crt'), keyFile: file('server.key') };
}

export async function startTestTls(options: TestTlsOptions = {}): Promise<TestTls> {
  const { password } = options;
  const dir = makeTempDir('tls');
  const cleanups: (() => Promise<void> | void)[] = [() => removeTempDir(dir)];
  try {
    const { caFile, certFile, keyFile } = await makeCertificates(dir);
    const proc = await spawnRedis({
      name: 'tls redis',
      // --port 0: no plain TCP listener, TLS only.
      args: ([port]) => [
        ...baseServerArgs(0, dir),
        '--tls-port', String(port),
        '--tls-cert-file', certFile,
        '--tls-key-file', keyFile,
        '--tls-ca-cert-file', caFile,
        '--tls-auth-clients', 'no',
        ...(password !== undefined ? ['--requirepass', password] : []),
      ],
    });
    cleanups.push(() => proc.kill());
    const port = proc.ports[0]!;
    const auth = password !== undefined ? `:${encodeURIComponent(password)}@` : '';
    return {
      url: `rediss://${auth}${LOOPBACK}:${port}`,
      host: LOOPBACK,
      port,
      ...(password !== undefined ? { password } : {}),
      caFile,
      caPem: readFileSync(caFile, 'utf8'),
      certFile,
      keyFile,
      dir,
      logs: () => proc.output(),
      stop: () => runCleanups(cleanups),
    };
  } catch (err) {
    await runCleanups(cleanups).catch(() => {});
    throw err;
  }
}
