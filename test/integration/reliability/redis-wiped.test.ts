// A Redis wiped under a live view (FLUSHALL, or a restart with nothing saved): the view is told
// the flow is gone (a snapshot of the missing root with a NOT_FOUND warning) instead of keeping
// the old tree silently, and shows the flow again when it comes back.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import type { FlowSnapshot } from '../../../shared/domain';
import { startSandbox, type Sandbox } from '../../../electron/core/connection/sandbox';
import { coreForFile } from '../../helpers/core-per-file';
import { sessionPushes } from '../../helpers/core-pushes';
import { addSmallFlow } from '../../helpers/flows';
import { nextStatus } from '../../helpers/core-status';

const file = coreForFile({ redis: { own: true } });
const { redis, core } = file;
let restarted: Sandbox | undefined;

// Runs before the core closes: the core may reconnect to the restarted server until then.
afterAll(async () => {
  await restarted?.stop();
});

const addFlow = (jobId: string) => addSmallFlow(redis, 'wiped', jobId);

/** Opens a view for `session` and collects its snapshot pushes. */
async function openView(session: string, jobId: string) {
  const { next: nextPush, off } = sessionPushes(core, session);
  const opened = await core.dispatch('subscribeFlow', { queue: 'wiped', jobId }, session);
  expect(opened.ok).toBe(true);
  const view = (opened as { ok: true; result: FlowSnapshot }).result;
  expect(view.tree.nodes).toHaveLength(3);
  const next = async (predicate: (s: FlowSnapshot) => boolean) =>
    (await nextPush<Extract<PushEvent, { event: 'flowSnapshot' }>>((e) => e.event === 'flowSnapshot' && e.payload.subscriptionId === view.subscriptionId && predicate(e.payload))).payload;
  const close = async () => {
    off();
    await core.dispatch('unsubscribeFlow', { subscriptionId: view.subscriptionId }, session);
  };
  return { view, next, close };
}

const goneSnapshot = (s: FlowSnapshot) => s.tree.nodes.length === 1 && s.tree.nodes[0]!.state === 'missing';

describe('a Redis wiped under a live view', () => {
  it('FLUSHALL: the view is told within 2 s that the flow is gone (NOT_FOUND), then shows it again when it is back', async () => {
    await addFlow('flushed');
    const { view, next, close } = await openView('flush', 'flushed');
    const gone = next(goneSnapshot);
    const start = Date.now();
    await redis.client().flushall();
    const told = await gone;
    expect(Date.now() - start).toBeLessThan(2000);
    expect(told.seq).toBeGreaterThan(view.seq);
    expect(told.tree.nodes[0]!.key).toBe(view.tree.root);
    expect(told.warnings?.[0]).toMatch(/gone from Redis \(NOT_FOUND\): No queue wiped/);
    // resyncFlow says the same.
    expect(await core.dispatch('resyncFlow', { subscriptionId: view.subscriptionId }, 'flush')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const back = next((s) => s.tree.nodes.length === 3);
    await addFlow('flushed');
    const shown = await back;
    expect(shown.tree.nodes.every((n) => n.state !== 'missing')).toBe(true);
    expect(shown.warnings).toBeUndefined();
    await close();
  });

  it('a Redis restarted empty on the same port: reconnected, and the view is told the flow is gone', async () => {
    await addFlow('restarted');
    const { view, next, close } = await openView('restart', 'restarted');
    const port = Number(new URL(redis.url).port);
    const down = nextStatus(core, (s) => s.state !== 'connected');
    const gone = next(goneSnapshot);
    await redis.stop();
    await down;
    const up = nextStatus(core, (s) => s.state === 'connected');
    const dir = mkdtempSync(join(file.dataDir, 'restarted-'));
    restarted = await startSandbox({ dataDir: dir, persist: false, port });
    await up;
    const told = await gone;
    expect(told.seq).toBeGreaterThan(view.seq);
    expect(told.warnings?.[0]).toMatch(/NOT_FOUND/);
    expect(await core.dispatch('getFlowTree', { queue: 'wiped', jobId: 'restarted' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await close();
  });
});
