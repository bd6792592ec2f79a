// What a watched flow has come to, read from its tree (electron/core/watch/flow-outcome.ts),
// and the words a notification says (renderer/src/features/watch/watch-words.ts).
import { describe, expect, it } from 'vitest';
import type { FlowNode, FlowTree, WatchEvent } from '../../shared/domain';
import { blockingDetail, flowOutcome } from '../../electron/core/watch/flow-outcome';
import { watchBody, watchTitle } from '../../renderer/src/features/watch/watch-words';
import { flowNode, flowTree } from '../helpers/flow-nodes';

const node = (key: string, extra: Partial<FlowNode> = {}): FlowNode => {
  const [, queue = '', id = ''] = key.split(':');
  return flowNode(key, { queue, id, name: null, ...extra });
};

const tree = (nodes: FlowNode[], truncated: FlowTree['truncated'] = []): FlowTree => flowTree(nodes, truncated);

describe('flowOutcome', () => {
  it('reads completed and failed from the root', () => {
    expect(flowOutcome(tree([node('b:orders:1', { name: 'order', state: 'completed' })]))).toEqual({
      outcome: 'completed',
      detail: 'orders/1 (order) completed',
      askBlocking: false,
    });
    expect(flowOutcome(tree([node('b:orders:1', { state: 'failed', failedReason: 'child b:pay:2 failed' })]))).toMatchObject({
      outcome: 'failed',
      detail: 'orders/1 failed: child b:pay:2 failed',
    });
  });

  it('is stuck when the root waits for children and a child in view blocks, at any depth', () => {
    const root = node('b:orders:1', { state: 'waiting-children', childCounts: { processed: 0, unprocessed: 1, failed: 0, ignored: 0 } });
    const ship = node('b:steps:2', { state: 'waiting-children', parentKey: root.key, bucket: 'unprocessed', depth: 1 });
    const label = node('b:steps:3', { name: 'label', state: 'failed', failedReason: 'printer jam', parentKey: ship.key, bucket: 'unprocessed', blocking: true, depth: 2 });
    expect(flowOutcome(tree([root, ship, label]))).toEqual({
      outcome: 'stuck',
      detail: 'steps/3 (label) failed (printer jam) with no failure policy: the flow waits for ever',
      askBlocking: false,
    });
  });

  it('is still running while nothing blocks, and asks Redis when the root’s unprocessed bucket is cut', () => {
    const root = node('b:orders:1', { state: 'waiting-children', childCounts: { processed: 0, unprocessed: 300, failed: 0, ignored: 0 } });
    const child = node('b:steps:2', { state: 'active', parentKey: root.key, bucket: 'unprocessed', depth: 1 });
    expect(flowOutcome(tree([root, child]))).toEqual({ outcome: null, detail: '', askBlocking: false });
    expect(flowOutcome(tree([root, child], [{ parentKey: root.key, bucket: 'unprocessed', shown: 1, total: 300, nextCursor: 1 }]))).toEqual({
      outcome: null,
      detail: '',
      askBlocking: true,
    });
    expect(flowOutcome(tree([node('b:orders:1', { state: 'active' })]))).toMatchObject({ outcome: null, askBlocking: false });
    expect(blockingDetail(2)).toBe('2 failed children with no failure policy: the flow waits for ever');
  });
});

describe('watch words', () => {
  const event = (extra: Partial<WatchEvent>): WatchEvent => ({
    watchId: 'w1',
    kind: 'flow',
    outcome: 'completed',
    queue: 'reports',
    jobId: '3348f236-1111-4222-8333-444455556666',
    key: 'bull:reports:3348f236-1111-4222-8333-444455556666',
    name: 'month-end',
    detail: '',
    at: 0,
    ...extra,
  });

  it('names the flow and says where it is, with long ids cut', () => {
    expect(watchTitle(event({}))).toBe('Flow month-end completed');
    expect(watchBody(event({}))).toBe('reports · #3348f236…');
    const stuck = event({ outcome: 'stuck', detail: 'steps/7e5a6227-1111-4222-8333-444455556666 (refunds) failed (503) with no failure policy: the flow waits for ever' });
    expect(watchTitle(stuck)).toBe('Flow month-end is stuck');
    expect(watchBody(stuck)).toBe('reports · #3348f236…: steps/7e5a6227… (refunds) failed (503) with no failure policy: the flow waits for ever');
    expect(watchTitle(event({ name: null, jobId: '12' }))).toBe('Flow reports/12 completed');
    expect(watchTitle(event({ kind: 'queue', outcome: 'ended', name: null, jobId: '', key: '' }))).toBe('Watch ended: queue reports');
  });
});
