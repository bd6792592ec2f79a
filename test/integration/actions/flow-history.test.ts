// A flow's own history (listFlowHistory) and its export (exportFlow), through the core against
// a real Redis with real BullMQ workers: a retry and a remove run on one flow are listed for
// that flow, newest first, and not for another flow; bad input is refused; the export is the
// JSON `flowscope tree --json` prints. A removed job's history across reloads: every audit entry
// records the root of the flow its job was in (read before the action runs), so a reloaded view,
// which asks by the keys it holds (never the removed job), still lists the removal; entries
// written before the root was recorded stay readable, found by their own keys.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import type { FlowTree } from '../../../shared/domain';
import { createCore, type Core } from '../../../electron/core/create-core';
import { memoryLogger } from '../../../electron/core/log/logger';
import { FlowHarness, leaf } from '../../helpers/actions-harness';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { runFlowscope } from '../../helpers/cli-io';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-history-'));
let h: FlowHarness;
let core: Core;

beforeAll(async () => {
  h = new FlowHarness(redis);
  core = await createCore({ shell: 'web', dataDir, redisUrl: redis.url, prefix: h.prefix, log: memoryLogger() });
  await core.ready;
});
afterAll(async () => {
  await core.close();
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call<M extends MethodName>(method: M, args: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await core.dispatch(method, args);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.result as MethodOutput<M>;
}

/** A parent with a failed child `bad` (no policy: the parent waits) and a completed child `good`. */
async function stuckFlow(tag: string) {
  const parent = await h.addFlow({
    name: `agg-${tag}`,
    queueName: 'hist-parents',
    children: [leaf(`bad-${tag}`, 'hist-leaves', 'none'), leaf(`good-${tag}`, 'hist-leaves', 'none')],
  });
  const leaves = h.queue('hist-leaves');
  const kids = await h.queue('hist-parents').getJob(parent.id).then((j) => j!.getDependencies());
  const keys = [...Object.keys(kids.processed ?? {}), ...(kids.unprocessed ?? [])];
  return { parent, leaves, childKeys: keys };
}

describe('a flow’s history', () => {
  it('lists the retry and the remove run on the flow, newest first, and nothing for another flow', async () => {
    h.broken.add('bad-a');
    h.broken.add('bad-b');
    h.leafWorker('hist-leaves');
    const a = await stuckFlow('a');
    const b = await stuckFlow('b');
    const badA = h.key('hist-leaves', (await waitFailed('bad-a')).id!);
    const badB = h.key('hist-leaves', (await waitFailed('bad-b')).id!);

    const flowA = [a.parent.key, ...a.childKeys];
    const flowB = [b.parent.key, ...b.childKeys];
    expect(flowA).toContain(badA);
    expect(flowB).toContain(badB);
    expect(await call('listFlowHistory', { keys: flowA })).toEqual({ entries: [], complete: true });

    // The retry fails again (still broken), then the failed child is removed.
    await call('retryJob', { key: badA });
    await waitForState(a.leaves, badA.split(':').pop()!, 'failed');
    await call('removeJob', { key: badA });

    const history = await call('listFlowHistory', { keys: flowA });
    expect(history.complete).toBe(true);
    expect(history.entries.map((e) => [e.action, e.parent, e.outcome])).toEqual([
      ['remove-job', badA, 'ok'],
      ['retry-job', badA, 'ok'],
    ]);
    expect(history.entries[0]!.changed).toContain(badA);
    expect(history.entries.every((e) => e.connection.startsWith('redis://127.0.0.1:'))).toBe(true);
    // Asked by the removed child alone (the app remembers the keys a flow showed), both still come.
    expect((await call('listFlowHistory', { keys: [badA] })).entries.map((e) => e.action)).toEqual(['remove-job', 'retry-job']);
    expect(await call('listFlowHistory', { keys: flowB })).toEqual({ entries: [], complete: true });
    expect((await call('listFlowHistory', { keys: flowA, limit: 1 })).entries.map((e) => e.action)).toEqual(['remove-job']);
    expect((await call('listFlowHistory', { keys: flowA, limit: 1 })).complete).toBe(false);
  });

  it('refuses bad input with a clear error', async () => {
    for (const args of [{ keys: [] }, { keys: ['not-a-key'] }, { keys: ['bull:q:1'], limit: 0 }, { keys: ['bull:q:1'], extra: 1 }]) {
      const result = await core.dispatch('listFlowHistory', args);
      expect(result.ok, JSON.stringify(args)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('BAD_REQUEST');
    }
  });
});

/** The failed leaf of that name, once it has failed. */
async function waitFailed(name: string) {
  const leaves = h.queue('hist-leaves');
  return waitUntil(async () => (await leaves.getFailed()).find((j) => j.name === name), `${name} to fail`);
}

describe('exportFlow', () => {
  it('answers the JSON `flowscope tree --json` prints for the flow', async () => {
    const parent = await h.addFlow({
      name: 'report',
      queueName: 'hist-export',
      children: [leaf('late', 'hist-idle', 'none'), leaf('early', 'hist-idle', 'none'), leaf('mid', 'hist-idle', 'none')],
    });
    const exported = await call('exportFlow', { queue: 'hist-export', jobId: parent.id });
    const run = await runFlowscope(['tree', 'hist-export', parent.id, '--json', '--redis', redis.url, '--prefix', h.prefix]);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as FlowTree;
    const noStats = ({ stats: _stats, ...tree }: FlowTree) => tree;
    expect(noStats(exported)).toEqual(noStats(printed));
    expect(exported.nodes.map((n) => n.key)).toEqual(printed.nodes.map((n) => n.key));
    expect(exported.root).toBe(parent.key);
    expect(exported.nodes).toHaveLength(4);
  });

  it('says the job is missing, as tree does', async () => {
    const result = await core.dispatch('exportFlow', { queue: 'hist-export', jobId: 'no-such-id' });
    expect(result.ok).toBe(false);
  });
});

describe('the history of a removed job', () => {
  it('is placed on its flow by the root key the entry carries, after the job is gone', async () => {
    h.broken.add('bad-r');
    h.leafWorker('hr-leaves');
    // root ← middle ← bad-r: the removed job is two levels down, so its parent is not the root.
    const root = await h.addFlow({
      name: 'hr-root',
      queueName: 'hr-parents',
      children: [{ name: 'hr-middle', queueName: 'hr-parents', children: [leaf('bad-r', 'hr-leaves', 'none'), leaf('good-r', 'hr-leaves', 'none')] }],
    });
    const leaves = h.queue('hr-leaves');
    const bad = await waitUntil(async () => (await leaves.getFailed()).find((j) => j.name === 'bad-r'), 'bad-r to fail');
    const badKey = h.key('hr-leaves', bad.id!);
    await call('removeJob', { key: badKey });

    const entries = (await call('listAudit', {})).filter((e) => e.parent === badKey);
    expect(entries.map((e) => [e.action, e.rootKey])).toEqual([['remove-job', root.key]]);
    // What a reloaded view of the flow asks with: its root (and what is left; never the removed job).
    const history = await call('listFlowHistory', { keys: [root.key] });
    expect(history.entries.map((e) => [e.action, e.parent, e.rootKey])).toEqual([['remove-job', badKey, root.key]]);
  });

  it('reads entries written before the root key was recorded, found by their own keys', async () => {
    const old = { time: '2026-01-02T03:04:05.000Z', connection: 'sandbox', action: 'remove-job', parent: `${h.prefix}:old:7`, changed: [`${h.prefix}:old:7`], outcome: 'ok' };
    appendFileSync(join(dataDir, 'audit.jsonl'), `${JSON.stringify(old)}\n`);
    expect((await call('listFlowHistory', { keys: [`${h.prefix}:old:7`] })).entries).toEqual([old]);
    expect((await call('listFlowHistory', { keys: [`${h.prefix}:old:1`] })).entries).toEqual([]);
    expect(await call('listAudit', {})).toContainEqual(old);
  });
});
