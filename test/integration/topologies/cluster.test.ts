// Flowscope on a real 3-master Redis Cluster, given the redis:// URL of a master that does NOT
// own the prefix's slot: cluster mode is detected, trees equal BullMQ's, both repairs work from
// the CLI, a live view follows the workers and survives the slot moving to another master
// (MOVED), scripts lost on a node are sent again, and a prefix without a hash tag is warned of.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { testConnection } from '../../../electron/core/connection/test-connection';
import { startTestCluster } from '../../helpers/topologies';
import { checkLiveView, itRepairsOn, topologyForFile } from '../../helpers/topology-checks';
import { runFlowscope } from '../../helpers/cli-io';

let writer: Cluster;
const prefix = `{fs${randomBytes(3).toString('hex')}}`;
const { topology: cluster, target, data } = topologyForFile({
  start: () => startTestCluster({ masters: 3 }),
  target: async (cluster) => {
    // BullMQ's workers block on their connection: it must not retry requests.
    writer = cluster.client({ redisOptions: { maxRetriesPerRequest: null } });
    const away = await cluster.nonOwnerOf(`${prefix}:x`);
    return { url: cluster.url(cluster.indexOf(away)), cliArgs: [], coreOptions: {}, harness: { prefix, connection: writer, client: () => writer } };
  },
});

describe('Redis Cluster through a node that does not own the slot', () => {
  it('is detected: Test connection names a cluster of 3 masters and no warning for a hash-tagged prefix', async () => {
    const test = await testConnection({ url: target.url }, prefix);
    expect(test).toMatchObject({ ok: true, topology: { kind: 'cluster', masters: 3 } });
    expect(test.message).toMatch(/cluster of 3 masters/);
    expect(test.warning).toBeUndefined();
    const bare = await testConnection({ url: target.url }, 'bull');
    expect(bare.warning).toMatch(/no hash tag/);
  });

  itRepairsOn(target, data);

  it('warns on the command line when the prefix has no hash tag', async () => {
    const run = await runFlowscope(['queues', '--json', '--redis', target.url, '--prefix', 'bull', '--data-dir', data.dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: Prefix "bull" has no hash tag/);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });

  it('a tree read while the slot is being migrated (ASK, TRYAGAIN) completes once the migration does', async () => {
    const treePrefix = `${prefix}h1`;
    const listed = await runFlowscope(['flows', '--json', '--queue', 'parents', '--redis', target.url, '--prefix', treePrefix, '--data-dir', data.dir]);
    const { id } = (JSON.parse(listed.stdout) as { flows: { id: string }[] }).flows[0]!;
    const tree = async () => {
      const run = await runFlowscope(['tree', 'parents', id, '--json', '--redis', target.url, '--prefix', treePrefix, '--data-dir', data.dir]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { nodes: unknown[] };
    };
    const before = await tree();
    const slot = await cluster.keySlot(`${treePrefix}:x`);
    const owner = await cluster.ownerOf(`${treePrefix}:x`);
    const migration = await cluster.beginSlotMigration(slot, cluster.masters.findIndex((m) => m.port !== owner.port));
    expect(await migration.moveKeys(5)).toBe(5);
    const during = tree();
    await migration.finish();
    expect((await during).nodes).toEqual(before.nodes);
  });

  it('finds the queues through the seeds form too, and `queues` is not silently empty', async () => {
    const run = await runFlowscope(['queues', '--json', '--redis', cluster.seedsUrl, '--prefix', `${prefix}h1`, '--data-dir', data.dir]);
    expect(run.code, run.stderr).toBe(0);
    const names = (JSON.parse(run.stdout) as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(expect.arrayContaining(['flaky', 'leaves', 'parents']));
  });

  it('a live view follows the workers, also when the slot moves to another master meanwhile', async () => {
    const live = await checkLiveView(target, data.dir, async (view, h) => {
      const slot = await cluster.keySlot(`${h.prefix}:x`);
      const owner = await cluster.ownerOf(`${h.prefix}:x`);
      const to = cluster.masters.findIndex((m) => m.port !== owner.port);
      expect(view.snapshots).toBe(0);
      await cluster.migrateSlot(slot, to);
      expect((await cluster.ownerOf(`${h.prefix}:x`)).port).toBe(cluster.masters[to]!.port);
    });
    // The blocked read was redirected (MOVED): the reader moved to the new owner and resynced.
    expect(live.snapshots).toBeGreaterThan(0);
    expect(live.statuses.every((s) => s.state !== 'error')).toBe(true);
  });

  it('sends scripts again to a node that lost them (SCRIPT FLUSH on the owner)', async () => {
    const owner = await cluster.ownerOf(`${prefix}h1:x`);
    const node = writer.nodes('master').find((n) => n.options.port === owner.port)!;
    await node.script('FLUSH');
    const run = await runFlowscope(['flows', '--json', '--redis', target.url, '--prefix', `${prefix}h1`, '--data-dir', data.dir]);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { flows: unknown[] }).flows.length).toBeGreaterThan(0);
  });
});
