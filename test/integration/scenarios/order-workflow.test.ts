// order-workflow on real workers: a 6-level tree over 9 queues completes bottom-up; a failing
// validation deep down fails every level to the root; a failing carrier quote is ignored by
// the order (prepare-shipping fails, the order is still confirmed).
import { describe, expect, it } from 'vitest';
import { ORDER_QUEUES } from '../../../electron/core/scenarios/order-workflow';
import { queueOf, scenarioHarnessForTest, type ScenarioHarness } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

async function byName(h: ScenarioHarness, root: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const key of (await h.oracle.walk(root)).keys()) names.set((await h.job(key)).name, key);
  return names;
}

/** Depth of each node below the root, from the parent links. */
function depthOf(view: Map<string, { parentKey: string | null }>, key: string): number {
  let depth = 0;
  for (let k = view.get(key)?.parentKey; k && view.has(k); k = view.get(k)?.parentKey) depth++;
  return depth;
}

describe('order-workflow', () => {
  it('completes a deep tree over many queues, each level after its children', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('order-workflow', { latencyMs: 10 });
    expect(seeded).toHaveLength(2);
    await h.outcomes.until(Object.fromEntries(seeded.map((k) => [k, 'completed'])));

    const root = seeded[0]!;
    const view = await h.oracle.walk(root);
    expect(view.size).toBe(9);
    for (const [, node] of view) expect(node.state).toBe('completed');
    expect(new Set([...view.keys()].map(queueOf))).toEqual(new Set(Object.values(ORDER_QUEUES)));
    expect(Math.max(...[...view.keys()].map((k) => depthOf(view, k)))).toBe(5);
    // Each parent completed after each of its children.
    const finished = new Map(h.outcomes.all().map((e, i) => [e.key, i]));
    for (const [key, node] of view) {
      if (node.parentKey && view.has(node.parentKey)) expect(finished.get(key)!).toBeLessThan(finished.get(node.parentKey)!);
    }
  });

  it('a failing customer validation fails all five levels above it; a failing carrier quote does not fail the order', async () => {
    const h = await scenarioHarnessForTest(redis);
    const { seeded } = await h.runner.runScenario('order-workflow', {
      latencyMs: 10,
      flows: 1,
      failures: { 'validate-customer': { mode: 'always', error: 'unrecoverable' } },
    });
    const failedRoot = seeded[0]!;
    await h.outcomes.until({ [failedRoot]: 'failed' });
    const n = await byName(h, failedRoot);
    for (const name of ['validate-customer', 'validate-order', 'process-payment', 'reserve-inventory', 'fulfill-order', 'send-confirmation']) {
      expect(await h.oracle.state(n.get(name)!)).toBe('failed');
    }
    expect((await h.job(n.get('validate-order')!)).failedReason).toBe(`child ${n.get('validate-customer')} failed`);

    h.runner.setKnobs('order-workflow', { failures: { 'validate-customer': null, 'quote-carrier': { mode: 'always', error: 'unrecoverable' } } });
    const next = (await h.runner.runScenario('order-workflow')).seeded[0]!;
    await h.outcomes.until({ [next]: 'completed' });
    const m = await byName(h, next);
    expect(await h.oracle.state(m.get('quote-carrier')!)).toBe('failed');
    expect(await h.oracle.state(m.get('prepare-shipping')!)).toBe('failed');
    expect(await h.oracle.bucketIn(m.get('fulfill-order')!, m.get('prepare-shipping')!)).toBe('ignored');
  });
});
