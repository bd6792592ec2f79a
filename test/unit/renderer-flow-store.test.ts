// The per-flow store against a scripted client: subscribe, patches batched per frame, a gap
// answered by resyncFlow, pushed snapshots, the read-once fallback, pages and closing.
import { describe, expect, it, vi } from 'vitest';
import type { FlowNode, FlowPatch, FlowSnapshot, FlowTree } from '../../shared/domain';
import { FlowscopeError } from '../../shared/errors';
import { createFlowController } from '../../renderer/src/features/flow-view/flow-store';
import { flowNode, flowTree } from '../helpers/flow-nodes';
import { scriptedClient } from '../helpers/scripted-client';

function node(key: string, parentKey: string | null, extra: Partial<FlowNode> = {}): FlowNode {
  return flowNode(key, {
    id: key.split(':').pop()!,
    name: 'job',
    parentKey,
    bucket: parentKey ? 'unprocessed' : null,
    policy: parentKey ? 'none' : null,
    depth: parentKey ? 1 : 0,
    ...extra,
  });
}

const tree = (nodes: FlowNode[], truncated: FlowTree['truncated'] = []): FlowTree => flowTree(nodes, truncated, { ms: 1, roundTrips: 1 });

/** Frames run only when the test says so. */
function manualFrames() {
  const pending: (() => void)[] = [];
  return {
    schedule: (run: () => void) => {
      pending.push(run);
      return () => pending.splice(pending.indexOf(run), 1);
    },
    runFrame: () => pending.splice(0).forEach((run) => run()),
    get waiting() {
      return pending.length;
    },
  };
}

const snapshot = (seq: number, nodes = [node('b:q:r', null), node('b:q:a', 'b:q:r'), node('b:q:b', 'b:q:r')]): FlowSnapshot => ({
  subscriptionId: 'sub-1',
  seq,
  tree: tree(nodes),
});

const patch = (seq: number, upserts: FlowNode[], removed: string[] = []): FlowPatch => ({
  subscriptionId: 'sub-1',
  seq,
  upserts,
  removed,
  truncated: [],
});

/** A view of job r that is not there until appear(), with a clock moved on by tick(ms). */
function missingJobFlow() {
  let exists = false;
  let clock = 0;
  const { client, push, calls } = scriptedClient({
    subscribeFlow: () => {
      if (!exists) throw new FlowscopeError('NOT_FOUND', 'No job r in queue q (prefix bull)');
      return snapshot(1);
    },
  });
  const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule, now: () => clock });
  return { flow, push, calls, appear: () => void (exists = true), tick: (ms: number) => void (clock += ms) };
}

describe('createFlowController', () => {
  it('subscribes, then applies the patches of one frame together', async () => {
    const { client, push } = scriptedClient({ subscribeFlow: () => snapshot(5) });
    const frames = manualFrames();
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: frames.schedule });
    await flow.open();
    expect(flow.store.getState()).toMatchObject({ phase: 'ready', live: 'live', seq: 5, rootKey: 'b:q:r' });

    let renders = 0;
    flow.store.subscribe(() => renders++);
    push({ event: 'flowPatch', payload: patch(7, [node('b:q:b', 'b:q:r', { state: 'completed' })]) });
    push({ event: 'flowPatch', payload: patch(6, [node('b:q:a', 'b:q:r', { state: 'active' })]) });
    push({ event: 'flowPatch', payload: { ...patch(1, []), subscriptionId: 'someone-else' } });
    expect(frames.waiting).toBe(1);
    expect(renders).toBe(0);
    frames.runFrame();
    expect(renders).toBe(1);
    const state = flow.store.getState();
    expect(state.seq).toBe(7);
    expect(state.jobsByKey.get('b:q:a')!.state).toBe('active');
    expect(state.jobsByKey.get('b:q:b')!.state).toBe('completed');
  });

  it('asks for a fresh snapshot when a patch is missing', async () => {
    const { client, push, calls } = scriptedClient({
      subscribeFlow: () => snapshot(1),
      resyncFlow: () => snapshot(9, [node('b:q:r', null), node('b:q:a', 'b:q:r', { state: 'failed' })]),
    });
    const frames = manualFrames();
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: frames.schedule });
    await flow.open();
    push({ event: 'flowPatch', payload: patch(3, [node('b:q:a', 'b:q:r', { state: 'active' })]) });
    frames.runFrame();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.map((c) => c.method)).toContain('resyncFlow');
    const state = flow.store.getState();
    expect(state.seq).toBe(9);
    expect(state.live).toBe('live');
    expect(state.jobsByKey.get('b:q:a')!.state).toBe('failed');
    expect(state.jobsByKey.has('b:q:b')).toBe(false);
  });

  it('replaces its data with a pushed snapshot and keeps the selection when the job is still there', async () => {
    const { client, push } = scriptedClient({ subscribeFlow: () => snapshot(2) });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    flow.select('b:q:a');
    push({ event: 'flowSnapshot', payload: snapshot(40, [node('b:q:r', null), node('b:q:a', 'b:q:r', { state: 'completed' })]) });
    const state = flow.store.getState();
    expect(state.seq).toBe(40);
    expect(state.selectedKey).toBe('b:q:a');
    expect(state.jobsByKey.get('b:q:a')!.state).toBe('completed');
  });

  it('says which part of the view is not live when the core warns of it, and stops saying so when it is live again', async () => {
    const warning = 'Live updates of queue q are off: its events key b:q:events is not a stream.';
    const { client, push } = scriptedClient({ subscribeFlow: () => ({ ...snapshot(1), warnings: [warning] }) });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    expect(flow.store.getState()).toMatchObject({ live: 'live', liveNote: warning });
    push({ event: 'flowSnapshot', payload: snapshot(9) });
    expect(flow.store.getState().liveNote).toBeNull();
  });

  it('keeps patches that arrive before the subscription’s answer', async () => {
    let answer!: (s: FlowSnapshot) => void;
    const { client, push } = scriptedClient({ subscribeFlow: () => new Promise<FlowSnapshot>((r) => (answer = r)) });
    const frames = manualFrames();
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: frames.schedule });
    const opened = flow.open();
    push({ event: 'flowPatch', payload: patch(3, [node('b:q:a', 'b:q:r', { state: 'delayed' })]) });
    push({ event: 'flowPatch', payload: patch(4, [node('b:q:a', 'b:q:r', { state: 'active' })]) });
    answer(snapshot(3));
    await opened;
    frames.runFrame();
    expect(flow.store.getState().seq).toBe(4);
    expect(flow.store.getState().jobsByKey.get('b:q:a')!.state).toBe('active');
  });

  it('reads the tree once and says so when live updates are not available', async () => {
    const { client } = scriptedClient({
      subscribeFlow: () => {
        throw new FlowscopeError('INTERNAL', 'not ready');
      },
      getFlowTree: () => snapshot(0).tree,
    });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    expect(flow.store.getState()).toMatchObject({ phase: 'ready', live: 'off' });
    expect(flow.store.getState().liveNote).toContain('not ready');
  });

  it('shows a missing job as an error in words', async () => {
    const { client } = scriptedClient({
      subscribeFlow: () => {
        throw new FlowscopeError('NOT_FOUND', 'No job 9 in queue q (prefix bull)');
      },
    });
    const flow = createFlowController(client, { queue: 'q', jobId: '9', scheduleFrame: manualFrames().schedule });
    await flow.open();
    expect(flow.store.getState()).toMatchObject({ phase: 'error', loadError: 'No job 9 in queue q (prefix bull)' });
  });

  it('loads the next page of a cut bucket into the tree', async () => {
    const { client, calls } = scriptedClient({
      subscribeFlow: () => ({
        subscriptionId: 'sub-1',
        seq: 0,
        tree: tree([node('b:q:r', null), node('b:q:a', 'b:q:r')], [{ parentKey: 'b:q:r', bucket: 'unprocessed', shown: 1, total: 3, nextCursor: 1 }]),
      }),
      getChildrenPage: () => ({
        parentKey: 'b:q:r',
        bucket: 'unprocessed',
        nodes: [node('b:q:x', 'b:q:r', { childCounts: { processed: 2, unprocessed: 0, failed: 0, ignored: 0 } }), node('b:q:y', 'b:q:r')],
        total: 3,
        nextCursor: null,
        truncated: [{ parentKey: 'b:q:x', bucket: 'processed', shown: 0, total: 2, nextCursor: 0 }],
        stats: { ms: 1, roundTrips: 1, nodes: 2 },
      }),
    });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    await flow.loadMore('b:q:r', 'unprocessed');
    expect(calls.find((c) => c.method === 'getChildrenPage')!.args).toMatchObject({ cursor: 1, shown: 1, parentDepth: 0 });
    const state = flow.store.getState();
    expect(state.childKeys.get('b:q:r')).toEqual(['b:q:a', 'b:q:x', 'b:q:y']);
    expect(state.truncated.get('b:q:r')).toBeUndefined();
    // The new parent starts collapsed; opening it loads its first page.
    expect(state.collapsed.has('b:q:x')).toBe(true);
    flow.toggle('b:q:x');
    expect(calls.filter((c) => c.method === 'getChildrenPage').at(-1)!.args).toMatchObject({ parentKey: 'b:q:x', cursor: 0 });
  });

  it('subscribes again after the connection comes back (a new socket is a new session)', async () => {
    let n = 0;
    const { client, push, calls } = scriptedClient({
      subscribeFlow: () => ({ ...snapshot(1), subscriptionId: `sub-${++n}` }),
      unsubscribeFlow: () => ({ unsubscribed: true }),
    });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    const status = { connectionId: 'sandbox', kind: 'sandbox', target: 'x', prefix: 'bull', readOnly: false } as const;
    push({ event: 'connectionStatus', payload: { ...status, state: 'reconnecting' } });
    push({ event: 'connectionStatus', payload: { ...status, state: 'connected' } });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.filter((c) => c.method === 'subscribeFlow')).toHaveLength(2);
    expect(calls.find((c) => c.method === 'unsubscribeFlow')!.args).toEqual({ subscriptionId: 'sub-1' });
    expect(flow.store.getState().live).toBe('live');
    // Switching to another saved connection is another Redis: subscribe again there.
    push({ event: 'connectionStatus', payload: { ...status, state: 'connected', connectionId: 'staging' } });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.filter((c) => c.method === 'subscribeFlow')).toHaveLength(3);
  });

  it('unsubscribes and stops listening when closed', async () => {
    const { client, calls, listeners } = scriptedClient({ subscribeFlow: () => snapshot(1), unsubscribeFlow: () => ({ unsubscribed: true }) });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    flow.close();
    expect(listeners.size).toBe(0);
    expect(calls.at(-1)).toEqual({ method: 'unsubscribeFlow', args: { subscriptionId: 'sub-1' } });
  });

  it('opens the parents of failed jobs and asks the canvas to fit them', async () => {
    const nodes = [node('b:q:r', null), node('b:q:a', 'b:q:r'), node('b:q:a1', 'b:q:a', { state: 'failed', blocking: true, depth: 2 })];
    const { client } = scriptedClient({ subscribeFlow: () => snapshot(1, nodes) });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    flow.toggle('b:q:a');
    expect(flow.store.getState().collapsed.has('b:q:a')).toBe(true);
    expect(flow.focusFailed()).toBe(1);
    expect(flow.store.getState().collapsed.has('b:q:a')).toBe(false);
    expect(flow.store.getState().viewport).toMatchObject({ kind: 'fit', keys: ['b:q:a1'] });
  });

  it('offers Try again after a failed open, and opens by itself once the job appears or Redis is back', async () => {
    const { flow, push, calls, appear, tick } = missingJobFlow();
    await flow.open();
    expect(flow.store.getState().phase).toBe('error');

    // Try again, still missing: the error stays.
    await flow.retry();
    expect(flow.store.getState()).toMatchObject({ phase: 'error', loadError: 'No job r in queue q (prefix bull)' });

    // The queue list changed (a scenario re-ran): the view looks again, quietly, and opens.
    appear();
    tick(5000);
    push({ event: 'queues', payload: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(flow.store.getState()).toMatchObject({ phase: 'ready', loadError: null, live: 'live' });
    expect(flow.store.getState().viewport).toMatchObject({ kind: 'initial' });
    const opens = calls.filter((c) => c.method === 'subscribeFlow').length;
    push({ event: 'queues', payload: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.filter((c) => c.method === 'subscribeFlow')).toHaveLength(opens);
  });

  it('a queues push just after Try again is not dropped: the view looks again once the second is up', async () => {
    const { flow, push, calls, appear, tick } = missingJobFlow();
    await flow.open();
    await flow.retry();
    expect(flow.store.getState().phase).toBe('error');

    // The job appears 200 ms after Try again, and its queue's push comes at once.
    appear();
    tick(200);
    push({ event: 'queues', payload: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(flow.store.getState().phase).toBe('error');
    // The look it asked for runs when the second since Try again is up (RETRY_EVERY_MS).
    tick(800);
    await vi.waitFor(() => expect(flow.store.getState()).toMatchObject({ phase: 'ready', loadError: null }), { timeout: 3000 });
    expect(calls.filter((c) => c.method === 'subscribeFlow')).toHaveLength(3);
    flow.close();
  });

  it('opens by itself when Redis comes back after the view could not open', async () => {
    let up = false;
    const { client, push } = scriptedClient({
      subscribeFlow: () => {
        if (!up) throw new FlowscopeError('REDIS_UNAVAILABLE', 'Redis is not reachable');
        return snapshot(1);
      },
      getFlowTree: () => {
        throw new FlowscopeError('REDIS_UNAVAILABLE', 'Redis is not reachable');
      },
    });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    expect(flow.store.getState().phase).toBe('error');
    up = true;
    const status = { connectionId: 'sandbox', kind: 'sandbox', target: 'x', prefix: 'bull', readOnly: false } as const;
    push({ event: 'connectionStatus', payload: { ...status, state: 'connected' } });
    await new Promise((r) => setTimeout(r, 0));
    expect(flow.store.getState()).toMatchObject({ phase: 'ready', loadError: null });
  });

  it('brings a job asked for by the route into view: selected, found, the viewport on it', async () => {
    const { client } = scriptedClient({ subscribeFlow: () => snapshot(1, [node('b:q:r', null), node('b:q:a', 'b:q:r'), node('b:q:a1', 'b:q:a', { depth: 2 })]) });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    // Asked before the flow is open: done once it is.
    void flow.reveal({ key: 'b:q:a1', queue: 'q', id: 'a1' });
    await flow.open();
    expect(flow.store.getState()).toMatchObject({
      selectedKey: 'b:q:a1',
      found: { key: 'b:q:a1', status: 'shown' },
      viewport: { kind: 'reveal', keys: ['b:q:a1'] },
    });
    // Under a collapsed parent: the parent opens.
    flow.select(null);
    flow.toggle('b:q:a');
    expect(flow.store.getState().collapsed.has('b:q:a')).toBe(true);
    await flow.reveal({ key: 'b:q:a1', queue: 'q', id: 'a1' });
    expect(flow.store.getState().collapsed.has('b:q:a')).toBe(false);
    expect(flow.store.getState().selectedKey).toBe('b:q:a1');
  });

  it('loads the pages of the buckets on the path until a job beyond the first page is in view', async () => {
    const page = (n: number) => ({
      parentKey: 'b:q:r',
      bucket: 'unprocessed' as const,
      nodes: [node(`b:q:p${n}`, 'b:q:r')],
      total: 4,
      nextCursor: n < 3 ? n + 1 : null,
      truncated: n < 3 ? [{ parentKey: 'b:q:r', bucket: 'unprocessed' as const, shown: n + 1, total: 4, nextCursor: n + 1 }] : [],
      stats: { ms: 1, roundTrips: 1, nodes: 1 },
    });
    let n = 0;
    const { client, calls } = scriptedClient({
      subscribeFlow: () => ({
        subscriptionId: 'sub-1',
        seq: 0,
        tree: tree([node('b:q:r', null), node('b:q:p0', 'b:q:r')], [{ parentKey: 'b:q:r', bucket: 'unprocessed', shown: 1, total: 4, nextCursor: 1 }]),
      }),
      getFlowTree: ({ jobId }) => ({ ...tree([node(`b:q:${jobId}`, 'b:q:r')]), ancestors: ['b:q:r'] }),
      getChildrenPage: () => page(++n),
    });
    const flow = createFlowController(client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow.open();
    await flow.reveal({ key: 'b:q:p2', queue: 'q', id: 'p2' });
    expect(calls.filter((c) => c.method === 'getChildrenPage')).toHaveLength(2);
    expect(flow.store.getState()).toMatchObject({ selectedKey: 'b:q:p2', found: { status: 'shown' } });

    // A job of another flow is not brought in; the view says so and keeps its first viewport.
    const other = scriptedClient({
      subscribeFlow: () => snapshot(1),
      getFlowTree: () => ({ ...tree([node('b:q:z', 'b:q:elsewhere')]), ancestors: ['b:q:elsewhere'] }),
    });
    const flow2 = createFlowController(other.client, { queue: 'q', jobId: 'r', scheduleFrame: manualFrames().schedule });
    await flow2.open();
    await flow2.reveal({ key: 'b:q:z', queue: 'q', id: 'z' });
    expect(flow2.store.getState()).toMatchObject({ selectedKey: null, found: { status: 'missing', note: 'Job b:q:z is not in this flow.' } });
  });
});
