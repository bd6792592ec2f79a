// Big buckets are paged, never silently cut: a truncated bucket reports exact totals, and
// loadChildrenPage walks the rest of it with no duplicates, for all four bucket types
// (set, processed hash, failed zset, ignored hash).
import { describe, expect, it } from 'vitest';
import { BUCKETS, type Bucket, type FlowNode, type FlowTree } from '../../../shared/domain';
import { loadChildrenPage, loadTree } from '../../../electron/core/tree';
import { unaccounted } from '../../helpers/flows';
import { oracleForSuite } from '../../helpers/oracle-per-suite';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const bq = oracleForSuite(redis);

/** Pages one bucket to its end from the tree's truncation entry; returns every page's nodes. */
async function rest(tree: FlowTree, bucket: Bucket, pageSize: number): Promise<FlowNode[]> {
  const cut = tree.truncated.find((t) => t.parentKey === tree.root && t.bucket === bucket);
  expect(cut).toBeDefined();
  const nodes: FlowNode[] = [];
  let cursor: number | null = cut!.nextCursor;
  let shown = cut!.shown;
  let pages = 0;
  while (cursor !== null) {
    const page = await loadChildrenPage(bq.client, bq.P, tree.root, bucket, cursor, pageSize, { shown });
    expect(page.total).toBe(cut!.total);
    expect(page.error).toBeUndefined();
    nodes.push(...page.nodes);
    shown += page.nodes.length;
    // Pages hold exactly pageSize children, fewer only at the end of the bucket.
    if (page.nextCursor !== null) expect(page.nodes).toHaveLength(pageSize);
    else expect(page.nodes.length).toBeLessThanOrEqual(pageSize);
    const again = page.truncated.find((t) => t.parentKey === tree.root && t.bucket === bucket);
    if (page.nextCursor !== null) expect(again).toMatchObject({ shown, total: cut!.total, nextCursor: page.nextCursor });
    else expect(again).toBeUndefined();
    cursor = page.nextCursor;
    expect(++pages).toBeLessThan(100);
  }
  return nodes;
}

describe('paging big buckets', () => {
  it('1,200 unprocessed children with pageSize 500: truncated with exact totals, the rest pages in without duplicates', async () => {
    const node = await bq.flows.add({
      name: 'fan',
      queueName: 'pg-parent',
      children: Array.from({ length: 1200 }, (_, i) => ({ name: `c${i}`, queueName: 'pg-idle', data: { i } })),
    });
    const tree = await loadTree(bq.client, bq.P, 'pg-parent', node.job.id!, { pageSize: 500 });
    expect(tree.nodes[0]!.childCounts).toEqual({ processed: 0, unprocessed: 1200, failed: 0, ignored: 0 });
    expect(tree.truncated).toHaveLength(1);
    const [cut] = tree.truncated;
    expect(cut).toMatchObject({ parentKey: tree.root, bucket: 'unprocessed', total: 1200 });
    expect(cut!.shown).toBe(500);
    expect(tree.nodes).toHaveLength(501);

    expect(unaccounted(tree)).toEqual([]);
    const more = await rest(tree, 'unprocessed', 500);
    const keys = [...tree.nodes.slice(1), ...more].map((n) => n.key);
    expect(keys).toHaveLength(1200);
    expect(new Set(keys).size).toBe(1200);
    expect(new Set(keys)).toEqual(new Set((await bq.oracle.dependencies(tree.root)).unprocessed));
    for (const n of more) expect(n).toMatchObject({ parentKey: tree.root, bucket: 'unprocessed', depth: 1, state: 'waiting' });
  });

  it('pages each of the four buckets (set, hash, zset, hash) to exactly what getDependencies() lists', async () => {
    const each = 300;
    const children = [
      ...Array.from({ length: each }, (_, i) => ({ name: `ok${i}`, queueName: 'pg-ok' })),
      ...Array.from({ length: each }, (_, i) => ({
        name: `fp${i}`,
        queueName: 'pg-bad',
        data: { fail: 'x' },
        opts: { failParentOnFailure: true },
      })),
      ...Array.from({ length: each }, (_, i) => ({
        name: `ig${i}`,
        queueName: 'pg-bad',
        data: { fail: 'y' },
        opts: { ignoreDependencyOnFailure: true },
      })),
      ...Array.from({ length: each }, (_, i) => ({ name: `w${i}`, queueName: 'pg-idle' })),
    ];
    const node = await bq.flows.add({ name: 'four', queueName: 'pg-parent4', children });
    const keyOf = (c: { job: { queueName: string; id?: string } }) => `${bq.P}:${c.job.queueName}:${c.job.id}`;
    const expected = Object.fromEntries(
      node.children!.filter((c) => c.job.queueName !== 'pg-idle').map((c) => [keyOf(c), c.job.queueName === 'pg-ok' ? 'completed' : 'failed'] as const),
    );
    bq.worker('pg-ok', { concurrency: 50 });
    bq.worker('pg-bad', { concurrency: 50 });
    await bq.outcomes.until(expected);

    const pageSize = 120;
    const tree = await loadTree(bq.client, bq.P, 'pg-parent4', node.job.id!, { pageSize });
    expect(tree.nodes[0]!.childCounts).toEqual({ processed: each, unprocessed: each, failed: each, ignored: each });
    expect(tree.truncated.map((t) => t.bucket).sort()).toEqual([...BUCKETS].sort());
    for (const t of tree.truncated) expect(t).toMatchObject({ shown: pageSize, total: each });
    // The hashes are small enough for listpack encoding (one SCAN step returns all of them);
    // the set and the zset are not: both paging paths are exercised.
    expect(await bq.client.object('ENCODING', `${tree.root}:processed`)).toBe('listpack');
    expect(await bq.client.object('ENCODING', `${tree.root}:dependencies`)).toBe('hashtable');
    expect(unaccounted(tree)).toEqual([]);
    const deps = await bq.oracle.dependencies(tree.root);
    const answer = await bq.oracle.answerFor(tree);
    for (const n of tree.nodes) expect({ state: n.state, bucket: n.bucket }).toEqual({ state: answer.get(n.key)!.state, bucket: answer.get(n.key)!.bucket });

    for (const bucket of BUCKETS) {
      const first = tree.nodes.filter((n) => n.bucket === bucket);
      const more = await rest(tree, bucket, pageSize);
      const keys = [...first, ...more].map((n) => n.key);
      expect(keys).toHaveLength(each);
      expect(new Set(keys)).toEqual(new Set(deps[bucket]));
      for (const n of more) expect(n.bucket).toBe(bucket);
    }
  });

  it('a depth limit reports the cut buckets with shown 0, and a page can load the next levels', async () => {
    const node = await bq.flows.add({
      name: 'deep',
      queueName: 'pg-parent',
      children: [{ name: 'mid', queueName: 'pg-idle', children: [{ name: 'leaf', queueName: 'pg-idle', children: [{ name: 'leaf2', queueName: 'pg-idle' }] }] }],
    });
    const tree = await loadTree(bq.client, bq.P, 'pg-parent', node.job.id!, { depth: 1 });
    expect(tree.nodes.map((n) => n.name)).toEqual(['deep', 'mid']);
    const mid = tree.nodes[1]!;
    expect(tree.truncated).toEqual([{ parentKey: mid.key, bucket: 'unprocessed', shown: 0, total: 1, nextCursor: 0 }]);
    const page = await loadChildrenPage(bq.client, bq.P, mid.key, 'unprocessed', 0, 50, { parentDepth: 1, depth: 1 });
    expect(page.nodes.map((n) => [n.name, n.depth, n.parentKey])).toEqual([
      ['leaf', 2, mid.key],
      ['leaf2', 3, page.nodes[0]!.key],
    ]);
    expect(page.nextCursor).toBeNull();
    expect(page.truncated).toEqual([]);
    expect(page.stats.roundTrips).toBe(3);
  });

  it('pages hash-table encoded hashes (HSCAN cursors) without duplicates', async () => {
    // Raw fixture: a parent whose processed hash is too big for listpack (> 512 entries).
    const root = `${bq.P}:pg-raw:big`;
    await bq.client.hset(root, { name: 'big', opts: '{}', timestamp: 1 });
    const fields: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) fields[`${bq.P}:pg-raw:child-${i}`] = '"ok"';
    await bq.client.hset(`${root}:processed`, fields);
    expect(await bq.client.object('ENCODING', `${root}:processed`)).toBe('hashtable');
    const tree = await loadTree(bq.client, bq.P, 'pg-raw', 'big', { pageSize: 200 });
    expect(tree.truncated).toEqual([expect.objectContaining({ bucket: 'processed', shown: 200, total: 1500 })]);
    const more = await rest(tree, 'processed', 200);
    const keys = [...tree.nodes.slice(1), ...more].map((n) => n.key);
    expect(keys).toHaveLength(1500);
    expect(new Set(keys)).toEqual(new Set(Object.keys(fields)));
    // The children have no hashes: each is a node saying so, and nothing breaks.
    expect(more[0]).toMatchObject({ state: 'missing', error: 'job hash is missing', bucket: 'processed' });
  });

  it("budgets: a call's listing budget costs one more round trip, never a truncated bucket; maxNodes cuts whole buckets", async () => {
    // 30 parents with 1,000 children each (raw keys: the children have no hashes).
    const root = `${bq.P}:pg-budget:root`;
    await bq.client.hset(root, { name: 'root', opts: '{}' });
    const parents = Array.from({ length: 30 }, (_, i) => `${bq.P}:pg-budget:p${i}`);
    await bq.client.sadd(`${root}:dependencies`, ...parents);
    for (const [i, parent] of parents.entries()) {
      await bq.client.hset(parent, { name: `p${i}`, parentKey: root, parent: JSON.stringify({ id: 'root', queueKey: `${bq.P}:pg-budget` }) });
      await bq.client.sadd(`${parent}:dependencies`, ...Array.from({ length: 1000 }, (_, j) => `${bq.P}:pg-leaf:${i}-${j}`));
    }

    // One script call lists at most 20,000 child keys: the parents it cut short are read again
    // in a further round trip (ancestors + root, the parents, their re-read, the leaves).
    const wide = await loadTree(bq.client, bq.P, 'pg-budget', 'root', { pageSize: 1000 });
    expect(unaccounted(wide)).toEqual([]);
    expect(wide.stats.nodes).toBe(1 + 30 + 30_000);
    expect(wide.truncated).toEqual([]);
    expect(wide.stats.roundTrips).toBe(4);
    const page = await loadChildrenPage(bq.client, bq.P, parents[0]!, 'unprocessed', 0, 1000, { parentDepth: 1 });
    expect(page.nodes).toHaveLength(1000);
    expect(page.nextCursor).toBeNull();

    // maxNodes stops adding children once the tree is that big.
    const small = await loadTree(bq.client, bq.P, 'pg-budget', 'root', { pageSize: 1000, maxNodes: 2500 });
    expect(unaccounted(small)).toEqual([]);
    expect(small.stats.nodes).toBeLessThanOrEqual(2500);
    expect(small.stats.nodes).toBe(1 + 30 + 2000);
    // The parents not yet placed count against it too: listing the first parent's 1,000 would
    // leave no room for the other 29, so no bucket of that level is listed (it once gave 1,031).
    const tight = await loadTree(bq.client, bq.P, 'pg-budget', 'root', { pageSize: 1000, maxNodes: 1020 });
    expect(unaccounted(tight)).toEqual([]);
    expect(tight.stats.nodes).toBe(1 + 30);
    expect(tight.truncated).toHaveLength(30);
  });
});
