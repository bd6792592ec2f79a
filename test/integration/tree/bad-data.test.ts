// Bad data never breaks a tree: raw fixtures written key by key for a missing child hash, a
// dangling parentKey, non-JSON fields, keys of the wrong type, parent cycles and children
// listed twice. Each becomes a node marked with what is wrong; loading never throws, hangs
// or loops. Where BullMQ can still answer, states are compared with its getState().
import { describe, expect, it } from 'vitest';
import type { FlowNode, FlowTree } from '../../../shared/domain';
import { loadTree } from '../../../electron/core/tree';
import { jobFields, parentFields, writeJobHash } from '../../helpers/flows';
import { oracleForSuite } from '../../helpers/oracle-per-suite';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const bq = oracleForSuite(redis);

const k = (queue: string, id: string) => `${bq.P}:${queue}:${id}`;
const nodeOf = (tree: FlowTree, key: string): FlowNode => {
  const node = tree.nodes.find((n) => n.key === key);
  expect(node, key).toBeDefined();
  return node!;
};

/** A parent in waiting-children with the given children in its dependencies set. */
async function parentWith(queue: string, id: string, children: string[]): Promise<string> {
  const key = k(queue, id);
  await writeJobHash(bq.client, key, jobFields(id));
  await bq.client.zadd(`${bq.P}:${queue}:waiting-children`, 1, id);
  if (children.length) await bq.client.sadd(`${key}:dependencies`, ...children);
  return key;
}

/** A waiting child of `parentKey`. */
async function child(queue: string, id: string, parentKey: string, extra: Record<string, string> = {}): Promise<string> {
  const key = k(queue, id);
  await writeJobHash(bq.client, key, jobFields(id, { ...parentFields(parentKey), ...extra }));
  await bq.client.rpush(`${bq.P}:${queue}:wait`, id);
  return key;
}

describe('bad data', () => {
  it('a child key with no job hash is a missing node; its siblings still load', async () => {
    const ghost = k('bad', 'ghost');
    const parent = await parentWith('bad', 'p1', [ghost]);
    const ok = await child('bad', 'c1', parent);
    await bq.client.sadd(`${parent}:dependencies`, ok);
    const tree = await loadTree(bq.client, bq.P, 'bad', 'p1');
    expect(tree.nodes).toHaveLength(3);
    expect(nodeOf(tree, ghost)).toMatchObject({
      state: 'missing',
      error: 'job hash is missing',
      parentKey: parent,
      bucket: 'unprocessed',
      policy: null,
      name: null,
    });
    expect(nodeOf(tree, ok)).toMatchObject({ state: 'waiting', policy: 'none' });
    expect(nodeOf(tree, ok).error).toBeUndefined();
    for (const n of tree.nodes) expect(n.state).toBe(await bq.oracle.state(n.key));
  });

  it('a root whose job hash is missing is one missing node', async () => {
    const tree = await loadTree(bq.client, bq.P, 'bad', 'nothing-here');
    expect(tree.nodes).toEqual([expect.objectContaining({ key: k('bad', 'nothing-here'), state: 'missing', parentKey: null })]);
    expect(tree.ancestors).toEqual([]);
  });

  it('a dangling parentKey: the link is shown, the ancestors stop at the last job that exists', async () => {
    const gone = k('bad', 'gone');
    const orphan = k('bad', 'orphan');
    await writeJobHash(bq.client, orphan, jobFields('orphan', parentFields(gone, 'fpof')));
    await bq.client.zadd(`${bq.P}:bad:waiting-children`, 1, 'orphan');
    const kid = await child('bad', 'kid', orphan);
    await bq.client.sadd(`${orphan}:dependencies`, kid);

    const top = await loadTree(bq.client, bq.P, 'bad', 'orphan');
    expect(top.ancestors).toEqual([]);
    expect(top.nodes[0]).toMatchObject({ parentKey: gone, bucket: null, policy: 'fail-parent', error: `parent job ${gone} is missing` });
    expect(top.nodes).toHaveLength(2);

    const below = await loadTree(bq.client, bq.P, 'bad', 'kid');
    expect(below.ancestors).toEqual([orphan]);
    expect(below.nodes[0]).toMatchObject({ parentKey: orphan, bucket: 'unprocessed', error: `ancestor ${orphan} points to a missing parent ${gone}` });
  });

  it('non-JSON opts and parent fields: defaults and a note, no policy guessed', async () => {
    const parent = await parentWith('bad', 'p3', []);
    const weird = await child('bad', 'weird', parent, { opts: 'not json', parent: '{oops' });
    const bare = k('bad', 'bare');
    await writeJobHash(bq.client, bare, { name: 'bare', timestamp: 'soon', priority: 'high' });
    await bq.client.sadd(`${parent}:dependencies`, weird, bare);
    const tree = await loadTree(bq.client, bq.P, 'bad', 'p3');
    expect(nodeOf(tree, weird)).toMatchObject({ state: 'waiting', attempts: 1, policy: null, bucket: 'unprocessed' });
    expect(nodeOf(tree, weird).error).toBe('opts is not a JSON object; parent is not a JSON object');
    // No parentKey / parent at all: BullMQ would treat it as a child without a policy.
    expect(nodeOf(tree, bare)).toMatchObject({ state: 'unknown', policy: 'none', timestamp: null, priority: 0 });
    expect(nodeOf(tree, bare).error).toBe('has no parentKey although a parent lists it; has no parent field');
    expect(nodeOf(tree, bare).state).toBe(await bq.oracle.state(bare));
  });

  it('keys of the wrong type: a string job key, a list of dependencies, a string processed hash', async () => {
    const parent = k('bad', 'p4');
    await writeJobHash(bq.client, parent, jobFields('p4'));
    await bq.client.rpush(`${parent}:dependencies`, k('bad', 'x'), k('bad', 'y'));
    await bq.client.set(`${parent}:processed`, 'oops');
    await bq.client.zadd(`${parent}:unsuccessful`, 1, k('bad', 'strjob'));
    await bq.client.set(k('bad', 'strjob'), 'not a hash');
    await bq.client.zadd(`${bq.P}:bad:failed`, 1, 'strjob');

    const tree = await loadTree(bq.client, bq.P, 'bad', 'p4');
    expect(tree.nodes).toHaveLength(2);
    expect(tree.nodes[0]!.childCounts).toEqual({ processed: 0, unprocessed: 0, failed: 1, ignored: 0 });
    expect(tree.nodes[0]!.error).toBe(`${parent}:processed is a string, not a hash; ${parent}:dependencies is a list, not a set`);
    // getState only reads the state sets, so BullMQ still says failed for a job key that is a string.
    expect(nodeOf(tree, k('bad', 'strjob'))).toMatchObject({
      state: 'failed',
      bucket: 'failed',
      error: `${k('bad', 'strjob')} is a string, not a hash`,
    });
  });

  it("a queue's state key of the wrong type: BullMQ's getState throws, the node says unknown and why", async () => {
    const parent = await parentWith('bad', 'p5', []);
    const victim = await child('odd', 'victim', parent);
    await bq.client.sadd(`${parent}:dependencies`, victim);
    await bq.client.del(`${bq.P}:odd:wait`);
    await bq.client.set(`${bq.P}:odd:wait`, 'garbage');
    const tree = await loadTree(bq.client, bq.P, 'bad', 'p5');
    expect(nodeOf(tree, victim)).toMatchObject({ state: 'unknown', error: `${bq.P}:odd:wait is a string, not a list` });
    await expect(bq.oracle.state(victim)).rejects.toThrow(/WRONGTYPE/);
  });

  it('a parent cycle (A child of B child of A) loads each job once and says cycle', async () => {
    const a = k('cyc', 'A');
    const b = k('cyc', 'B');
    await writeJobHash(bq.client, a, jobFields('A', parentFields(b)));
    await writeJobHash(bq.client, b, jobFields('B', parentFields(a)));
    await bq.client.sadd(`${a}:dependencies`, b);
    await bq.client.sadd(`${b}:dependencies`, a);
    await bq.client.zadd(`${bq.P}:cyc:waiting-children`, 1, 'A', 2, 'B');

    const tree = await loadTree(bq.client, bq.P, 'cyc', 'A', { depth: 50 });
    expect(tree.ancestors).toEqual([b]);
    expect(tree.nodes.map((n) => n.key)).toEqual([a]);
    expect(tree.nodes[0]).toMatchObject({ state: 'waiting-children', parentKey: b, bucket: 'unprocessed' });
    expect(tree.nodes[0]!.error).toBe(`cycle: lists its ancestor ${b} as a child; cycle: its parent chain leads back to itself`);

    // A job listing itself.
    const self = k('cyc', 'S');
    await writeJobHash(bq.client, self, jobFields('S', parentFields(self)));
    await bq.client.sadd(`${self}:dependencies`, self);
    const own = await loadTree(bq.client, bq.P, 'cyc', 'S');
    expect(own.nodes).toHaveLength(1);
    expect(own.ancestors).toEqual([]);
    expect(own.nodes[0]!.error).toContain('cycle');
  });

  it('a cycle below the root and a child listed by two parents: each key appears once', async () => {
    const x = k('cyc', 'X');
    const y = k('cyc', 'Y');
    const shared = k('cyc', 'shared');
    const root = await parentWith('cyc', 'R', [x, shared]);
    await writeJobHash(bq.client, x, jobFields('X', parentFields(root)));
    await writeJobHash(bq.client, y, jobFields('Y', parentFields(x)));
    await writeJobHash(bq.client, shared, jobFields('shared', parentFields(root)));
    await bq.client.sadd(`${x}:dependencies`, y, shared);
    await bq.client.hset(`${y}:processed`, x, '"loop"');

    const tree = await loadTree(bq.client, bq.P, 'cyc', 'R', { depth: Infinity });
    expect(tree.nodes.map((n) => n.key).sort()).toEqual([root, shared, x, y].sort());
    expect(nodeOf(tree, shared)).toMatchObject({ parentKey: root, depth: 1 });
    expect(nodeOf(tree, x).error).toBe(`lists ${shared}, already listed by ${root}`);
    expect(nodeOf(tree, y).error).toBe(`cycle: lists its ancestor ${x} as a child`);
    expect(nodeOf(tree, y).childCounts.processed).toBe(1);
  });

  it('odd but valid placements mirror getState: both completed and waiting, in no state set, many ids across lists', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `j${i}`);
    const children = ids.map((id) => k('mix', id));
    const parent = await parentWith('bad', 'p6', children);
    for (const id of ids) await writeJobHash(bq.client, k('mix', id), jobFields(id, parentFields(parent)));
    // More than LPOS_LIMIT undecided ids in one queue: the list pass, over active, wait and paused.
    await bq.client.rpush(`${bq.P}:mix:active`, ...ids.slice(0, 10));
    await bq.client.rpush(`${bq.P}:mix:wait`, 'filler-1', ...ids.slice(10, 30), 'filler-2');
    await bq.client.rpush(`${bq.P}:mix:paused`, ...ids.slice(30, 40));
    await bq.client.zadd(`${bq.P}:mix:waiting-children`, ...ids.slice(40, 45).flatMap((id) => [1, id]));
    await bq.client.zadd(`${bq.P}:mix:completed`, ...ids.slice(20, 22).flatMap((id) => [1, id])); // also in wait
    await bq.client.zadd(`${bq.P}:mix:prioritized`, 1, ids[5]!); // also active
    await bq.client.zadd(`${bq.P}:mix:delayed`, 1, ids[35]!); // also paused
    // ids 45..59: in no state structure at all -> unknown

    const tree = await loadTree(bq.client, bq.P, 'bad', 'p6');
    expect(tree.nodes).toHaveLength(61);
    const answer = await Promise.all(children.map((key) => bq.oracle.state(key)));
    expect(children.map((key) => nodeOf(tree, key).state)).toEqual(answer);
    expect(new Set(answer)).toEqual(new Set(['active', 'waiting', 'waiting-children', 'completed', 'prioritized', 'delayed', 'unknown']));
  });

  it('a NUL byte inside a field: the fields are not guessed, state and children still load', async () => {
    const parent = await parentWith('bad', 'p7', []);
    const nul = await child('bad', 'nul', parent, { name: 'a\u0000b' });
    await bq.client.sadd(`${parent}:dependencies`, nul);
    const tree = await loadTree(bq.client, bq.P, 'bad', 'p7');
    expect(nodeOf(tree, nul)).toMatchObject({ state: 'waiting', name: null, bucket: 'unprocessed' });
    expect(nodeOf(tree, nul).error).toContain('NUL');
    expect(nodeOf(tree, nul).state).toBe(await bq.oracle.state(nul));
  });
});
