// The flow timeline's layout: rows in tree order, bars as fractions of one time axis (created ->
// started -> finished, an unfinished job up to now), retries marked, and the critical path:
// from the root, the child that finished last (or not yet) under each parent.
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../shared/domain';
import { timelineLayout, timeTicks } from '../../renderer/src/features/timeline/timeline-layout';
import { localTime } from '../../renderer/src/features/inspector/time-words';
import { flowData, flowNode } from '../helpers/flow-nodes';

function job(key: string, parentKey: string | null, times: { at: number; start?: number; end?: number; attempts?: number; delay?: number }, state: FlowNode['state'] = 'completed'): FlowNode {
  return flowNode(key, {
    state,
    parentKey,
    bucket: parentKey ? 'processed' : null,
    attemptsMade: times.attempts ?? (times.start === undefined ? 0 : 1),
    attempts: 3,
    timestamp: times.at,
    processedOn: times.start ?? null,
    finishedOn: times.end ?? null,
    delay: times.delay ?? 0,
  });
}

function data(nodes: FlowNode[]) {
  return flowData(nodes);
}

// root waits for a (fast) and b (slow, whose child b1 finished last under it), then runs.
const nodes = [
  job('root', null, { at: 1_000, start: 1_900, end: 2_000 }),
  job('a', 'root', { at: 1_000, start: 1_100, end: 1_200 }),
  job('b', 'root', { at: 1_000, start: 1_700, end: 1_850, attempts: 3 }),
  job('b1', 'b', { at: 1_000, start: 1_200, end: 1_600 }),
  job('b2', 'b', { at: 1_000, start: 1_100, end: 1_300 }),
];

describe('timeline layout', () => {
  it('lists jobs in tree order with their depth', () => {
    const layout = timelineLayout(data(nodes), 5_000);
    expect(layout.rows.map((r) => [r.key, r.depth])).toEqual([
      ['root', 0],
      ['a', 1],
      ['b', 1],
      ['b1', 2],
      ['b2', 2],
    ]);
  });

  it('places waits and runs on one axis from the first creation to the last finish', () => {
    const layout = timelineLayout(data(nodes), 5_000);
    expect([layout.startMs, layout.endMs]).toEqual([1_000, 2_000]);
    const a = layout.rows.find((r) => r.key === 'a')!;
    expect(a.segments).toEqual([
      { kind: 'waiting', from: 0, to: 0.1, startMs: 1_000, endMs: 1_100, open: false },
      { kind: 'running', from: 0.1, to: 0.2, startMs: 1_100, endMs: 1_200, open: false },
    ]);
    expect(a.finishedAt).toBe(0.2);
    expect(a.totalMs).toBe(200);
  });

  it('marks a retried job: the time before its last start is earlier attempts and backoff', () => {
    const b = timelineLayout(data(nodes), 5_000).rows.find((r) => r.key === 'b')!;
    expect(b.segments.map((s) => s.kind)).toEqual(['retrying', 'running']);
    expect(b.node.attemptsMade).toBe(3);
  });

  it('the critical path follows the child that finished last under each parent', () => {
    const layout = timelineLayout(data(nodes), 5_000);
    expect(layout.criticalPath).toEqual(['root', 'b', 'b1']);
    const flags = Object.fromEntries(layout.rows.map((r) => [r.key, [r.critical, r.holdsUp]]));
    expect(flags).toEqual({ root: [true, false], a: [false, false], b: [true, true], b1: [true, true], b2: [false, false] });
  });

  it('an unfinished job runs or waits up to now, and holds its parent up', () => {
    const live = [
      job('root', null, { at: 0 }, 'waiting-children'),
      job('done', 'root', { at: 0, start: 10, end: 50 }),
      job('busy', 'root', { at: 0, start: 20 }, 'active'),
      job('queued', 'root', { at: 40 }, 'waiting'),
    ];
    const layout = timelineLayout(data(live), 100);
    expect(layout.endMs).toBe(100);
    const busy = layout.rows.find((r) => r.key === 'busy')!;
    expect(busy.segments[1]).toMatchObject({ kind: 'running', from: 0.2, to: 1, open: true });
    const queued = layout.rows.find((r) => r.key === 'queued')!;
    expect(queued.segments).toEqual([{ kind: 'waiting', from: 0.4, to: 1, startMs: 40, endMs: 100, open: true }]);
    expect(queued.finishedAt).toBeNull();
    // Both still hold the root up; the later-created one is named.
    expect(layout.criticalPath).toEqual(['root', 'queued']);
  });

  it('a delay comes before the wait; a parent waits for its children', () => {
    const delayed = [job('root', null, { at: 0, start: 800, end: 1_000 }), job('later', 'root', { at: 0, delay: 300, start: 500, end: 700 })];
    const layout = timelineLayout(data(delayed), 2_000);
    const later = layout.rows.find((r) => r.key === 'later')!;
    expect(later.segments.map((s) => [s.kind, s.startMs, s.endMs])).toEqual([
      ['delayed', 0, 300],
      ['waiting', 300, 500],
      ['running', 500, 700],
    ]);
    expect(layout.rows[0]!.hasChildren).toBe(true);
    expect(later.hasChildren).toBe(false);
  });

  it('keeps at most `limit` rows, the critical path always among them', () => {
    const many = [job('root', null, { at: 0, start: 990, end: 1_000 })];
    for (let i = 0; i < 50; i++) many.push(job(`c${String(i).padStart(2, '0')}`, 'root', { at: 0, start: 1, end: i === 42 ? 900 : 10 + i }));
    const layout = timelineLayout(data(many), 2_000, 10);
    expect(layout.total).toBe(51);
    expect(layout.rows).toHaveLength(11);
    expect(layout.rows.at(-1)!.key).toBe('c42');
  });
});

describe('axis words', () => {
  it('ticks at round steps', () => {
    expect(timeTicks(1_000).map((t) => t.label)).toEqual(['0 ms', '200 ms', '400 ms', '600 ms', '800 ms', '1.00 s']);
    expect(timeTicks(1_000).map((t) => t.at)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(timeTicks(0)).toEqual([{ at: 0, label: '0 ms' }]);
  });

  it('a time of today is said without its date (it fits one line of the inspector)', () => {
    const at = new Date(2026, 11, 2, 6, 42, 1, 376).getTime();
    expect(localTime(at, at + 60_000)).not.toMatch(/2026/);
    expect(localTime(at, at + 3 * 86_400_000)).toMatch(/2026/);
  });
});
