// Flowscope through Redis Sentinel (a master with a replica, a Sentinel, passwords on both):
// the redis+sentinel:// URL and --sentinel-password reach the master, trees equal BullMQ's,
// both repairs work from the CLI, and a live view survives a failover (the master killed, the
// replica promoted): the status goes reconnecting → connected at the new master and the view
// resyncs and follows the workers to the end. No password shows in any answer or the audit log.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RedisOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { testConnection } from '../../../electron/core/connection/test-connection';
import { startTestSentinel } from '../../helpers/topologies';
import { checkLiveView, itRepairsOn, topologyForFile } from '../../helpers/topology-checks';
import { runFlowscope } from '../../helpers/cli-io';
import { waitUntil } from '../../helpers/actions-wait';

const DATA_PASSWORD = `data-${randomBytes(4).toString('hex')}`;
const SENTINEL_PASSWORD = `sentinel-${randomBytes(4).toString('hex')}`;

let writer: Redis;
const prefix = `fs${randomBytes(3).toString('hex')}`;
const { topology: sentinel, target, data } = topologyForFile({
  start: () => startTestSentinel({ replicas: 1, password: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD }),
  target: (sentinel) => {
    writer = sentinel.client({ maxRetriesPerRequest: null });
    return {
      url: sentinel.url,
      cliArgs: ['--sentinel-password', SENTINEL_PASSWORD],
      coreOptions: { redisSentinelPassword: SENTINEL_PASSWORD },
      harness: { prefix, connection: { ...sentinel.sentinelOptions(), maxRetriesPerRequest: null } as RedisOptions, client: () => writer },
    };
  },
});

describe('Redis Sentinel', () => {
  it('Test connection names the master and where it is; a wrong Sentinel password says why', async () => {
    const test = await testConnection({ url: sentinel.url, sentinelPassword: SENTINEL_PASSWORD }, prefix);
    expect(test).toMatchObject({ ok: true, topology: { kind: 'sentinel', masterName: sentinel.masterName, master: `127.0.0.1:${sentinel.master.port}` } });
    expect(test.message).toMatch(new RegExp(`Sentinel master ${sentinel.masterName} at 127.0.0.1:${sentinel.master.port}`));
    const wrong = await testConnection({ url: sentinel.url, sentinelPassword: 'nope' }, prefix);
    expect(wrong.ok).toBe(false);
    expect(JSON.stringify([test, wrong])).not.toMatch(new RegExp(`${DATA_PASSWORD}|${SENTINEL_PASSWORD}`));
  });

  it('a Sentinel URL without a master name is a usage error', async () => {
    const run = await runFlowscope(['queues', '--redis', `redis+sentinel://127.0.0.1:${sentinel.sentinels[0]!.port}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/names its master/);
  });

  itRepairsOn(target, data);

  it('a live view survives a failover: reconnecting, then connected at the new master, resynced, followed to the end', async () => {
    const oldMaster = sentinel.master;
    let newMaster = oldMaster;
    const live = await checkLiveView(target, data.dir, async (view) => {
      // The live reader is blocked on the master, and what the flow wrote is on the replica, before the master dies.
      await waitUntil(async () => / cmd=xread /.test(String(await writer.client('LIST'))) || null, 'the live reader to block in XREAD');
      // WAIT counts its own connection's writes; replication keeps one order, so once this
      // write is on the replica, so is the flow the other connections wrote before it.
      await writer.set(`${prefix}:replicated`, '1');
      expect(await writer.call('WAIT', 1, 5000)).toBe(1);
      newMaster = (await sentinel.killMaster()).to;
      const connectedAgain = () => view.statuses.some((s) => s.state === 'connected' && s.topology?.kind === 'sentinel' && s.topology.master === `127.0.0.1:${newMaster.port}`);
      await waitUntil(() => connectedAgain() || null, 'the status to say connected at the new master', 40_000);
    });
    expect(newMaster.port).not.toBe(oldMaster.port);
    expect(live.statuses.some((s) => s.state === 'reconnecting' || s.state === 'error')).toBe(true);
    expect(live.snapshots).toBeGreaterThan(0);
    expect(JSON.stringify(live.statuses)).not.toMatch(new RegExp(`${DATA_PASSWORD}|${SENTINEL_PASSWORD}`));
  }, 90_000); // a failover takes a few seconds, more on a loaded machine

  it('writes no password to the audit log', () => {
    const audit = readFileSync(join(data.dir, 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/retry-failed-children/);
    expect(audit).not.toMatch(new RegExp(`${DATA_PASSWORD}|${SENTINEL_PASSWORD}`));
    expect(audit).toMatch(/redis\+sentinel:\/\/:\*\*\*@127\.0\.0\.1/);
  });
});
