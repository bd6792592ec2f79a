// A removed job's history across reloads: every audit entry now records the root of the flow
// its job was in (read before the action runs), so listFlowHistory asked by the keys a reloaded
// view holds (the root and the jobs still there, not the removed job) still lists the removal;
// entries written before the root was recorded stay readable and are found by their own keys.
// Through the core against a real Redis with real BullMQ workers.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import { createCore, type Core } from '../../../electron/core/create-core';
import { memoryLogger } from '../../../electron/core/log/logger';
import { FlowHarness, leaf } from '../../helpers/actions-harness';
import { waitUntil } from '../../helpers/actions-wait';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-history-root-'));
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
