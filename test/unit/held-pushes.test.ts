// What a WebSocket client that fell behind is owed (electron/host/held-pushes.ts), without a socket.
import { describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/contract';
import type { FlowSnapshot } from '../../shared/domain';
import { HeldPushes, MAX_HELD_WATCH_EVENTS, MAX_PATCHES_DURING_CATCH_UP } from '../../electron/host/held-pushes';
import { flowNode, flowTree } from '../helpers/flow-nodes';

const patch = (subscriptionId: string, seq: number): PushEvent => ({ event: 'flowPatch', payload: { subscriptionId, seq, upserts: [], removed: [], truncated: [] } });
const queues = (n: number): PushEvent => ({ event: 'queues', payload: Array.from({ length: n }, () => ({})) as never });
const watch = (n: number): PushEvent => ({ event: 'watchEvent', payload: { n } as never });
const snapshot = (subscriptionId: string, seq: number): FlowSnapshot => ({ subscriptionId, seq, tree: flowTree([flowNode('b:q:root')]) });

describe('HeldPushes', () => {
  it('owes the latest of each kind, every watch event, and a snapshot of each view that changed', () => {
    const held = new HeldPushes();
    held.hold(queues(1));
    held.hold(patch('a', 1));
    held.hold(watch(1));
    held.hold(queues(2));
    held.hold(patch('a', 2));
    held.hold(patch('b', 7));
    held.hold(watch(2));
    expect(held.held).toBe(7);
    const owed = held.take();
    expect(owed.pushes).toEqual([queues(2), watch(1), watch(2)]);
    expect(owed.views).toEqual(['a', 'b']);
    expect(held.held).toBe(0);
    expect(held.take()).toEqual({ pushes: [], views: [] });
  });

  it('keeps the newest watch events when more than it holds came', () => {
    const held = new HeldPushes();
    for (let i = 0; i < MAX_HELD_WATCH_EVENTS + 5; i++) held.hold(watch(i));
    const { pushes } = held.take();
    expect(pushes).toHaveLength(MAX_HELD_WATCH_EVENTS);
    expect(pushes[0]).toEqual(watch(5));
  });

  it('while a view catches up, its changes wait for the snapshot; those after it follow it, older ones go', () => {
    const held = new HeldPushes();
    held.hold(patch('a', 3));
    held.take();
    expect(held.passes(patch('b', 1))).toBe(true);
    expect(held.passes(patch('a', 4))).toBe(false);
    expect(held.passes(patch('a', 6))).toBe(false);
    expect(held.caughtUp('a', snapshot('a', 5))).toEqual([{ event: 'flowSnapshot', payload: snapshot('a', 5) }, patch('a', 6)]);
    expect(held.passes(patch('a', 7))).toBe(true);
    // A view that is gone by then gets nothing.
    held.hold(patch('c', 1));
    held.take();
    expect(held.caughtUp('c', null)).toEqual([]);
  });

  it('a view that changes too often while it catches up is owed again, and its snapshot then says nothing', () => {
    const held = new HeldPushes();
    held.hold(patch('a', 1));
    held.take();
    for (let seq = 2; seq < 2 + MAX_PATCHES_DURING_CATCH_UP; seq++) expect(held.passes(patch('a', seq))).toBe(false);
    expect(held.held).toBe(0);
    expect(held.passes(patch('a', 5000))).toBe(false);
    expect(held.held).toBe(1);
    expect(held.caughtUp('a', snapshot('a', 3))).toEqual([]);
    expect(held.take().views).toEqual(['a']);
  });
});
