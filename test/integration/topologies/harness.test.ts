// Self-test of the topology fixtures (test/helpers/topologies) with real clients: a Cluster
// that redirects (MOVED, ASK) and migrates slots, a Sentinel setup that fails over, a TLS-only
// server that trusts nothing but its CA.
import { existsSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startTestCluster,
  startTestSentinel,
  startTestTls,
  type HostPort,
} from '../../helpers/topologies';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function stopLater<T extends { stop(): Promise<void> }>(fixture: T): T {
  cleanups.push(() => fixture.stop());
  return fixture;
}

/** A plain connection to one node: no retries, no reconnects, errors only through commands. */
function raw(node: HostPort, options: RedisOptions = {}): Redis {
  const client = new Redis({
    host: node.host,
    port: node.port,
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
    ...options,
  });
  client.on('error', () => {});
  cleanups.push(() => client.disconnect());
  return client;
}

async function tcpPort(client: Redis): Promise<number> {
  return Number(/tcp_port:(\d+)/.exec(await client.info('server'))?.[1]);
}

describe('startTestCluster', () => {
  it('serves keys across every master, redirects with MOVED and ASK, and migrates slots', async () => {
    const cluster = stopLater(await startTestCluster());
    expect(cluster.nodes).toHaveLength(3);
    expect(cluster.masters).toEqual(cluster.nodes);
    expect(cluster.url(1)).toBe(`redis://127.0.0.1:${cluster.nodes[1]!.port}`);
    expect(cluster.seedsUrl).toBe(`redis+cluster://${cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`);

    // SET/GET across slots through ioredis; the keys land on all three masters.
    const client = cluster.client();
    const keys = Array.from({ length: 30 }, (_, i) => `key:${i}`);
    for (const key of keys) await client.set(key, `value of ${key}`);
    for (const key of keys) expect(await client.get(key)).toBe(`value of ${key}`);
    const owners = new Set<number>();
    for (const key of keys) owners.add((await cluster.ownerOf(key)).port);
    expect(owners.size).toBe(3);

    // The owner answers; a non-owner says MOVED to the owner.
    const owner = await cluster.ownerOf('key:0');
    const other = await cluster.nonOwnerOf('key:0');
    expect(other.port).not.toBe(owner.port);
    expect(await raw(owner).get('key:0')).toBe('value of key:0');
    const slot = await cluster.keySlot('key:0');
    await expect(raw(other).get('key:0')).rejects.toThrow(`MOVED ${slot} 127.0.0.1:${owner.port}`);

    // A migration: the client's slot cache is stale, so its GET is answered only by following MOVED.
    const toIndex = cluster.indexOf(other);
    expect(client.slots[slot]?.[0]).toBe(`127.0.0.1:${owner.port}`);
    await cluster.migrateSlot(slot, toIndex);
    expect(await cluster.ownerOf('key:0')).toEqual(other);
    expect(await raw(other).get('key:0')).toBe('value of key:0');
    await expect(raw(owner).get('key:0')).rejects.toThrow(`MOVED ${slot} 127.0.0.1:${other.port}`);
    expect(await client.get('key:0')).toBe('value of key:0');
    expect(client.slots[slot]?.[0]).toBe(`127.0.0.1:${other.port}`);

    // A migration in steps: between moveKeys(1) and finish(), the source answers ASK for the moved key.
    await client.set('{ask}a', 'A');
    await client.set('{ask}b', 'B');
    const askSlot = await cluster.keySlot('{ask}a');
    const source = await cluster.ownerOf('{ask}a');
    const target = cluster.masters.find((m) => m.port !== source.port)!;
    const migration = await cluster.beginSlotMigration(askSlot, cluster.indexOf(target));
    expect(migration.from).toEqual(source);
    expect(await migration.moveKeys(1)).toBe(1);
    const replies = await Promise.allSettled([raw(source).get('{ask}a'), raw(source).get('{ask}b')]);
    const asked = replies.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(asked).toEqual([expect.stringContaining(`ASK ${askSlot} 127.0.0.1:${target.port}`)]);
    expect(replies.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect([await client.get('{ask}a'), await client.get('{ask}b')]).toEqual(['A', 'B']);
    await migration.finish();
    expect(await cluster.ownerOf('{ask}b')).toEqual(target);
    expect([await raw(target).get('{ask}a'), await raw(target).get('{ask}b')]).toEqual(['A', 'B']);

    // stop() kills every node and removes the folder.
    await cluster.stop();
    expect(existsSync(cluster.dir)).toBe(false);
    for (const node of cluster.nodes) await expect(raw(node).ping()).rejects.toThrow(/ECONNREFUSED|Connection is closed/);
  });

  it('gives each master its replicas, linked and replicating', async () => {
    const cluster = stopLater(await startTestCluster({ masters: 3, replicas: 1 }));
    expect(cluster.nodes).toHaveLength(6);
    expect(cluster.masters).toHaveLength(3);
    expect(cluster.replicas).toHaveLength(3);
    expect(cluster.nodes).toEqual([...cluster.masters, ...cluster.replicas]);
    const followed = new Set<number>();
    for (const replica of cluster.replicas) {
      const role = (await raw(replica).call('ROLE')) as [string, string, number, string];
      expect(role[0]).toBe('slave');
      expect(role[3]).toBe('connected');
      followed.add(Number(role[2]));
    }
    expect([...followed].sort()).toEqual(cluster.masters.map((m) => m.port).sort());

    // A write on a master reaches its replica.
    const client = cluster.client();
    await client.set('replicated', 'yes');
    const owner = await cluster.ownerOf('replicated');
    // WAIT counts the writes of its own connection: ask it on the one that wrote.
    const writer = client.nodes('master').find((n) => n.options.port === owner.port)!;
    expect(await writer.call('WAIT', 1, 2_000)).toBe(1);
    const followers: HostPort[] = [];
    for (const r of cluster.replicas) {
      const role = (await raw(r).call('ROLE')) as [string, string, number];
      if (role[2] === owner.port) followers.push(r);
    }
    expect(followers).toHaveLength(1);
    const reader = raw(followers[0]!);
    await reader.call('READONLY');
    expect(await reader.get('replicated')).toBe('yes');
  });
});

describe('startTestSentinel', () => {
  it('hands ioredis the master, and the new one after killMaster()', async () => {
    const sentinel = stopLater(await startTestSentinel());
    expect(sentinel.masterName).toBe('flowscope-master');
    expect(sentinel.replicas).toHaveLength(1);
    expect(sentinel.sentinels).toHaveLength(1);
    expect(sentinel.url).toBe(`redis+sentinel://127.0.0.1:${sentinel.sentinels[0]!.port}/flowscope-master`);

    const client = new Redis({ sentinels: sentinel.sentinels, name: sentinel.masterName });
    client.on('error', () => {});
    cleanups.push(() => client.disconnect());
    expect(await client.ping()).toBe('PONG');
    const before = sentinel.master;
    expect(await tcpPort(client)).toBe(before.port);
    await client.set('survives', 'the failover');
    expect(await client.call('WAIT', 1, 2_000)).toBe(1);

    const replica = sentinel.replicas[0]!;
    const { from, to } = await sentinel.killMaster();
    expect(from).toEqual(before);
    expect(to).toEqual(replica);
    expect(sentinel.master).toEqual(to);
    expect(sentinel.replicas).toEqual([]);
    await expect(raw(from).ping()).rejects.toThrow(/ECONNREFUSED|Connection is closed/);

    expect(await client.ping()).toBe('PONG');
    expect(await tcpPort(client)).toBe(to.port);
    expect(await client.get('survives')).toBe('the failover');
  });

  it('uses its passwords, and failover() moves the master and keeps the old one as a replica', async () => {
    const sentinel = stopLater(
      await startTestSentinel({ replicas: 2, sentinels: 2, password: 'data-secret', sentinelPassword: 'sentinel-secret', masterName: 'orders' }),
    );
    const [s1, s2] = sentinel.sentinels;
    expect(sentinel.url).toBe(`redis+sentinel://:data-secret@127.0.0.1:${s1!.port},127.0.0.1:${s2!.port}/orders`);
    await expect(raw(sentinel.master).ping()).rejects.toThrow(/NOAUTH/);
    await expect(raw(s1!).ping()).rejects.toThrow(/NOAUTH/);
    expect(await raw(s1!, { password: 'sentinel-secret' }).ping()).toBe('PONG');

    const client = sentinel.client();
    expect(await client.ping()).toBe('PONG');
    const before = sentinel.master;
    expect(await tcpPort(client)).toBe(before.port);

    const { from, to } = await sentinel.failover();
    expect(from).toEqual(before);
    expect(to.port).not.toBe(from.port);
    expect(sentinel.master).toEqual(to);
    expect(sentinel.replicas.map((r) => r.port).sort()).toContain(from.port);
    expect(sentinel.replicas).toHaveLength(2);
    const role = (await raw(from, { password: 'data-secret' }).call('ROLE')) as [string, string, number, string];
    expect([role[0], role[2], role[3]]).toEqual(['slave', to.port, 'connected']);

    expect(await client.ping()).toBe('PONG');
    expect(await tcpPort(client)).toBe(to.port);
  });
});

describe('startTestTls', () => {
  it('answers TLS clients that trust its CA, and nobody else', async () => {
    const tls = stopLater(await startTestTls());
    expect(tls.url).toBe(`rediss://127.0.0.1:${tls.port}`);
    expect(tls.caPem).toContain('BEGIN CERTIFICATE');
    expect(existsSync(tls.caFile)).toBe(true);

    const trusted = new Redis(tls.url, { tls: { ca: tls.caPem }, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    trusted.on('error', () => {});
    cleanups.push(() => trusted.disconnect());
    expect(await trusted.ping()).toBe('PONG');
    // The certificate names localhost too.
    expect(await raw({ host: '127.0.0.1', port: tls.port }, { tls: { ca: tls.caPem, servername: 'localhost' } }).ping()).toBe('PONG');

    // Without the CA the handshake fails on the certificate; a plain TCP client gets no answer.
    const untrusting = raw({ host: '127.0.0.1', port: tls.port }, { tls: {} });
    const handshakeError = new Promise<Error>((resolve) => untrusting.once('error', resolve));
    await expect(untrusting.ping()).rejects.toThrow();
    expect((await handshakeError).message).toMatch(/self-signed|unable to (get|verify)/i);
    await expect(raw({ host: '127.0.0.1', port: tls.port }).ping()).rejects.toThrow(/Connection is closed|ECONNRESET/);
  });

  it('requires its password when it has one', async () => {
    const tls = stopLater(await startTestTls({ password: 's3cret' }));
    expect(tls.url).toBe(`rediss://:s3cret@127.0.0.1:${tls.port}`);
    const node = { host: '127.0.0.1', port: tls.port };
    await expect(raw(node, { tls: { ca: tls.caPem } }).ping()).rejects.toThrow(/NOAUTH/);
    expect(await raw(node, { tls: { ca: tls.caPem }, password: 's3cret' }).ping()).toBe('PONG');
  });
});
