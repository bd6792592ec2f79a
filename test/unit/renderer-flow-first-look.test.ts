// The first look at a flow whose live view is slow to load (a 100,001-node flow's view holds
// 20,001 nodes, 10 MiB): the root and its first page of children, read with one small
// getFlowTree, shown while the subscription loads, then replaced by the view's snapshot with the
// parents as the whole tree would have them, except those the person opened or closed meanwhile.
import { describe, expect, it } from 'vitest';
import type { FlowNode, FlowSnapshot, FlowTree } from '../../shared/domain';
import { FlowscopeError } from '../../shared/errors';
import { createFlowController, FIRST_LOOK_DEPTH, type FlowViewState } from '../../renderer/src/features/flow-view/flow-store';
import { flowNode, flowTree } from '../helpers/flow-nodes';
import { scriptedClient as fakeClient } from '../helpers/scripted-client';

const frames = { scheduleFrame: () => () => undefined };
const counts = (unprocessed: number): FlowNode['childCounts'] => ({ processed: 0, unprocessed, failed: 0, ignored: 0 });
const job = (key: string, parentKey: string | null, depth: number, extra: Partial<FlowNode> = {}) =>
  flowNode(key, { parentKey, depth, bucket: parentKey ? 'unprocessed' : null, policy: parentKey ? 'none' : null, state: 'waiting-children', ...extra });
const leaves = (parent: string, n: number) => Array.from({ length: n }, (_, i) => job(`${parent}-${i}`, parent, 2, { state: 'waiting' }));

// The flow: root r -> a (3 leaves), b (30 leaves: more than a big fan-out), c (2 leaves).
const full: FlowTree = flowTree([
  job('r', null, 0, { childCounts: counts(3) }),
  job('a', 'r', 1, { childCounts: counts(3) }),
  job('b', 'r', 1, { childCounts: counts(30) }),
  job('c', 'r', 1, { childCounts: counts(2) }),
  ...leaves('a', 3),
  ...leaves('b', 30),
  ...leaves('c', 2),
]);
// The first look: depth 1, the children's own children cut by depth.
const look: FlowTree = flowTree(
  full.nodes.filter((n) => n.depth <= 1),
  ['a', 'b', 'c'].map((k) => ({ parentKey: k, bucket: 'unprocessed' as const, shown: 0, total: k === 'b' ? 30 : k === 'a' ? 3 : 2, nextCursor: 0 })),
);

/** A subscription answered when the test says; the first look answered at once. */
function slowView() {
  let answer!: (s: FlowSnapshot) => void;
  const { client, calls } = fakeClient({
    subscribeFlow: () => new Promise<FlowSnapshot>((resolve) => (answer = resolve)),
    getFlowTree: () => look,
  });
  const flow = createFlowController(client, { queue: 'q', jobId: 'r', ...frames, firstLookAfterMs: 0 });
  const seen: FlowViewState[] = [];
  flow.store.subscribe((s) => seen.push(s));
  return { flow, calls, seen, answer: (tree = full) => answer({ subscriptionId: 'sub-1', seq: 1, tree }) };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
};

describe('the first look at a flow whose live view is still loading', () => {
  it('shows the root and its first children, then the live view with its parents as the whole tree has them', async () => {
    const { flow, calls, answer } = slowView();
    const opened = flow.open();
    await until(() => flow.store.getState().partial);
    expect(calls.find((c) => c.method === 'getFlowTree')!.args).toEqual({ queue: 'q', jobId: 'r', depth: FIRST_LOOK_DEPTH });
    let state = flow.store.getState();
    expect(state).toMatchObject({ phase: 'ready', live: 'connecting', rootKey: 'r', viewport: { kind: 'initial', keys: null } });
    expect([...state.jobsByKey.keys()]).toEqual(['r', 'a', 'b', 'c']);
    // Parents whose children were not read start closed.
    expect([...state.collapsed].sort()).toEqual(['a', 'b', 'c']);

    answer();
    await opened;
    state = flow.store.getState();
    expect(state).toMatchObject({ phase: 'ready', live: 'live', partial: false, seq: 1 });
    expect(state.jobsByKey.size).toBe(full.nodes.length);
    // As if the first look had never been: a and c open, b (a big fan-out) closed.
    expect([...state.collapsed]).toEqual(['b']);
  });

  it('keeps what the person opened or closed during the first look; a page asked for then waits for the view', async () => {
    const { flow, calls, answer } = slowView();
    const opened = flow.open();
    await until(() => flow.store.getState().partial);
    flow.toggle('b'); // opened: its page waits for the live view, which holds it already
    flow.toggle('a');
    flow.toggle('a'); // opened and closed again: closed
    expect(flow.store.getState().collapsed.has('b')).toBe(false);
    answer();
    await opened;
    await new Promise((r) => setTimeout(r, 0));
    const state = flow.store.getState();
    expect([...state.collapsed]).toEqual(['a']);
    expect(state.childKeys.get('b')).toHaveLength(30);
    expect(calls.filter((c) => c.method === 'getChildrenPage')).toHaveLength(0);
  });

  it('Down on a parent whose children the first look did not read moves to its first child once the view is in', async () => {
    const { flow, answer } = slowView();
    const opened = flow.open();
    await until(() => flow.store.getState().partial);
    flow.select('a');
    flow.descend('a');
    expect(flow.store.getState()).toMatchObject({ selectedKey: 'a' });
    expect(flow.store.getState().collapsed.has('a')).toBe(false);
    answer();
    await opened;
    expect(flow.store.getState().selectedKey).toBe('a-0');
  });

  it('a Down that is still waiting for children gives way to a selection made meanwhile', async () => {
    const { flow, answer } = slowView();
    const opened = flow.open();
    await until(() => flow.store.getState().partial);
    flow.select('a');
    flow.descend('a');
    flow.select('c');
    answer();
    await opened;
    expect(flow.store.getState().selectedKey).toBe('c');
  });

  it('is not shown when the live view answers first', async () => {
    const { client, calls } = fakeClient({
      subscribeFlow: () => ({ subscriptionId: 'sub-1', seq: 1, tree: full }),
      getFlowTree: () => look,
    });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', ...frames, firstLookAfterMs: 0 });
    const partials: boolean[] = [];
    flow.store.subscribe((s) => partials.push(s.partial));
    await flow.open();
    await new Promise((r) => setTimeout(r, 5));
    expect(calls.some((c) => c.method === 'getFlowTree')).toBe(true);
    expect(partials).not.toContain(true);
    expect(flow.store.getState().jobsByKey.size).toBe(full.nodes.length);
  });

  it('is not shown when a job of the flow is to be brought into view, nor when the view cannot open', async () => {
    const first = slowView();
    void first.flow.reveal({ key: 'b-7', queue: 'q', id: 'b-7' });
    const opened = first.flow.open();
    await new Promise((r) => setTimeout(r, 5));
    expect(first.flow.store.getState()).toMatchObject({ phase: 'loading', partial: false });
    first.answer();
    await opened;
    expect(first.flow.store.getState()).toMatchObject({ selectedKey: 'b-7', found: { status: 'shown' } });

    let fail!: (e: Error) => void;
    const { client } = fakeClient({
      subscribeFlow: () => new Promise<FlowSnapshot>((_, reject) => (fail = reject)),
      getFlowTree: () => look,
    });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', ...frames, firstLookAfterMs: 0 });
    const failed = flow.open();
    await until(() => flow.store.getState().partial);
    fail(new FlowscopeError('NOT_FOUND', 'No job r in queue q (prefix bull)'));
    await failed;
    expect(flow.store.getState()).toMatchObject({ phase: 'error', partial: false, loadError: 'No job r in queue q (prefix bull)' });
  });
});
