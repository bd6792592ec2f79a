// The tree loader against real BullMQ workers: each failure policy, a three-level flow with
// mixed policies, and a view rooted below the flow's root. Every node's state, bucket, parent
// and child counts must equal what BullMQ's own getState()/getDependencies() say, with each
// BullMQ major of the matrix writing the flows and answering as the oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTree } from '../../../electron/core/tree';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { loaderView, unaccounted } from '../../helpers/flows';
import { oracleForSuite } from '../../helpers/oracle-per-suite';
import { testRedisForFile } from '../../helpers/redis-per-file';
import { CHILD_POLICIES, policyOpts } from '../../helpers/child-policies';

const redis = testRedisForFile();

describe.each(BULLMQ_VERSIONS)('$label', (version) => {
  const bq = oracleForSuite(redis, version);

  beforeAll(() => {
    for (const q of ['pol-parent', 'pol-ok', 'n-top', 'n-mid', 'n-leaf']) bq.worker(q);
  });

  async function expectSameAsBullmq(queue: string, id: string) {
    const tree = await loadTree(bq.client, bq.P, queue, id);
    expect(loaderView(tree)).toEqual(await bq.oracle.walk(tree.root));
    expect(unaccounted(tree)).toEqual([]);
    return tree;
  }

  describe('loadTree with each failure policy', () => {
    // Children fail in their own queue, whose worker starts after the good sibling completed, so
    // a continue-parent release never finds a sibling still pending.
    it.each(CHILD_POLICIES)('a failing child with policy %s', async (policy) => {
      const badQueue = `pol-bad-${policy}`;
      const node = await bq.flows.add({
        name: `parent-${policy}`,
        queueName: 'pol-parent',
        children: [
          { name: 'ok', queueName: 'pol-ok', data: {} },
          { name: 'bad', queueName: badQueue, data: { fail: `boom ${policy}` }, opts: policyOpts(policy) },
        ],
      });
      const parentKey = `${bq.P}:pol-parent:${node.job.id}`;
      const [ok, bad] = node.children!.map((c) => `${bq.P}:${c.job.queueName}:${c.job.id}`) as [string, string];
      await bq.outcomes.until({ [ok]: 'completed' });
      bq.worker(badQueue);
      const parentOutcome = { none: null, 'fail-parent': 'failed', 'continue-parent': 'completed', ignore: 'completed', remove: 'completed' } as const;
      const expected = parentOutcome[policy];
      await bq.outcomes.until({ [bad]: 'failed', ...(expected ? { [parentKey]: expected } : {}) });

      const tree = await expectSameAsBullmq('pol-parent', node.job.id!);
      const badNode = tree.nodes.find((n) => n.key === bad);
      if (policy === 'remove') {
        // rdof: BullMQ drops the child from every bucket; the parent's tree cannot list it.
        expect(badNode).toBeUndefined();
        const own = await loadTree(bq.client, bq.P, badQueue, bad.split(':').pop()!);
        expect(own.nodes[0]).toMatchObject({ state: 'failed', parentKey, bucket: null, policy: 'remove' });
        expect(own.nodes[0]!.error).toBeUndefined();
        expect(own.ancestors).toEqual([parentKey]);
      } else {
        expect(badNode).toMatchObject({ state: 'failed', policy, parentKey, blocking: policy === 'none' });
        expect(badNode!.failedReason).toBe(`boom ${policy}`);
      }
      expect(tree.nodes[0]).toMatchObject({ key: parentKey, parentKey: null, bucket: null, policy: null, depth: 0 });
      expect(tree.nodes.every((n) => n.error === undefined)).toBe(true);
    });
  });

  describe('a three-level flow with mixed policies', () => {
    it('matches BullMQ node for node, from the root and from a middle node', async () => {
      const fail = (name: string, opts: object = {}) => ({ name, queueName: 'n-leaf-bad', data: { fail: `${name} failed` }, opts });
      const node = await bq.flows.add({
        name: 'root',
        queueName: 'n-top',
        children: [
          {
            name: 'midA',
            queueName: 'n-mid',
            opts: { failParentOnFailure: true },
            children: [{ name: 'a1', queueName: 'n-leaf' }, fail('a2', { failParentOnFailure: true })],
          },
          { name: 'midB', queueName: 'n-mid', opts: { ignoreDependencyOnFailure: true }, children: [fail('b1')] },
          {
            name: 'midC',
            queueName: 'n-mid',
            children: [{ name: 'c1', queueName: 'n-leaf' }, fail('c2', { ignoreDependencyOnFailure: true })],
          },
        ],
      });
      const key = (n: { job: { queueName: string; id?: string } }) => `${bq.P}:${n.job.queueName}:${n.job.id}`;
      const [midA, midB, midC] = node.children!;
      const [a1, a2] = midA!.children!;
      const [b1] = midB!.children!;
      const [c1, c2] = midC!.children!;
      await bq.outcomes.until({ [key(a1!)]: 'completed', [key(c1!)]: 'completed' });
      bq.worker('n-leaf-bad');
      await bq.outcomes.until({
        [key(a2!)]: 'failed',
        [key(b1!)]: 'failed',
        [key(c2!)]: 'failed',
        [key(midA!)]: 'failed',
        [key(midC!)]: 'completed',
        [key(node)]: 'failed',
      });

      const tree = await expectSameAsBullmq('n-top', node.job.id!);
      expect(tree.nodes).toHaveLength(9);
      expect(tree.ancestors).toEqual([]);
      const byKey = new Map(tree.nodes.map((n) => [n.key, n]));
      expect(byKey.get(key(node))).toMatchObject({ state: 'failed', childCounts: { processed: 1, unprocessed: 1, failed: 1, ignored: 0 } });
      expect(byKey.get(key(midA!))).toMatchObject({ bucket: 'failed', policy: 'fail-parent', depth: 1 });
      expect(byKey.get(key(midB!))).toMatchObject({ state: 'waiting-children', bucket: 'unprocessed', policy: 'ignore' });
      expect(byKey.get(key(b1!))).toMatchObject({ state: 'failed', bucket: 'unprocessed', blocking: true, depth: 2 });
      expect(byKey.get(key(c2!))).toMatchObject({ state: 'failed', bucket: 'ignored', policy: 'ignore', blocking: false });

      // A view rooted at a middle node: its own link to the root is filled in, the root is its ancestor.
      const mid = await expectSameAsBullmq('n-mid', midB!.job.id!);
      expect(mid.ancestors).toEqual([key(node)]);
      expect(mid.nodes[0]).toMatchObject({ parentKey: key(node), bucket: 'unprocessed', policy: 'ignore', depth: 0 });
      expect(mid.nodes.map((n) => n.key)).toEqual([key(midB!), key(b1!)]);
      const leaf = await expectSameAsBullmq('n-leaf-bad', a2!.job.id!);
      expect(leaf.ancestors).toEqual([key(node), key(midA!)]);
      expect(leaf.nodes[0]).toMatchObject({ bucket: 'failed', policy: 'fail-parent' });
    });
  });
});
