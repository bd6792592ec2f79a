// The flow list's page cursor (electron/core/flows/flow-walk.ts): what it carries between pages,
// that anything else reads as "from the top", and that it stays within the contract's 4,096
// characters however many flows share the last recency.
import { describe, expect, it } from 'vitest';
import { decodeWalkCursor, encodeWalkCursor, FlowWalk, MAX_SEEN, seenTag, type Candidate } from '../../electron/core/flows/flow-walk';
import type { RoundTrips } from '../../electron/core/lua/round-trips';

const walk = () => new FlowWalk({} as RoundTrips, 'bull', ['q'], undefined, {});
const flow = (id: string, recency: number, set = 'completed'): Candidate => ({ key: `bull:q:${id}`, queue: 'q', set, recency, index: 0 });

describe('the flow walk cursor', () => {
  it('after a scored flow: its recency and the flows handed out at exactly that recency', () => {
    const handed = [flow('a', 300), flow('b', 200), flow('c', 200)];
    const cursor = walk().cursorAfter(handed[2]!, {}, handed);
    expect(cursor).toEqual({ r: 200, seen: [seenTag('bull:q:b'), seenTag('bull:q:c')] });
    expect(decodeWalkCursor(encodeWalkCursor(cursor))).toEqual(cursor);
  });

  it('keeps the seen flows of the page before when the recency did not move, and drops them when it did', () => {
    const before = { r: 200, seen: [seenTag('bull:q:b')] };
    expect(walk().cursorAfter(flow('d', 200), before, [flow('d', 200)]).seen).toEqual([seenTag('bull:q:d'), seenTag('bull:q:b')]);
    expect(walk().cursorAfter(flow('e', 150), before, [flow('e', 150)])).toEqual({ r: 150, seen: [seenTag('bull:q:e')] });
  });

  it('after a flow of a timeless set (a list): the set, the queue and the index to go on from', () => {
    const last: Candidate = { key: 'bull:q:w', queue: 'q', set: 'wait', recency: Infinity, index: 7 };
    expect(walk().cursorAfter(last, {}, [last])).toEqual({ at: ['q', 'wait', 7] });
  });

  it('stays under 4,096 characters with a thousand flows at one recency', () => {
    const handed = Array.from({ length: 1000 }, (_, i) => flow(`a-long-job-id-${'x'.repeat(40)}-${i}`, 100));
    const cursor = walk().cursorAfter(handed.at(-1)!, {}, handed);
    expect(cursor.seen).toHaveLength(MAX_SEEN);
    expect(encodeWalkCursor(cursor).length).toBeLessThan(4096);
  });

  it('reads anything that is not one of its cursors as the top of the list', () => {
    for (const text of ['', 'not-a-cursor', '50', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"r":"x","at":[1]}').toString('base64url')]) {
      expect(decodeWalkCursor(text)).toEqual({});
    }
  });
});
