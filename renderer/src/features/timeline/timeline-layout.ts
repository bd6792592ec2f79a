// The timeline of a flow: a pure function of the jobs in view and the time now. One row per job
// in tree order (a parent, then its children in sibling order), each with its bars on one time
// axis as fractions of it (0..1, so the view is as wide as its panel and never scrolls
// sideways): delayed (job.delay after its creation), waiting (created -> started: job.timestamp
// -> processedOn; for a parent, the wait for its children), running (started ->
// finished: processedOn -> finishedOn), a job not finished yet running or waiting up to now.
// A job retried shows its attempts, and the part before its last start is "earlier attempts and
// backoff" (BullMQ keeps the start of the last attempt only). The critical path: from the root,
// the child that finished last (or has not finished: it still holds its parent up), then that
// child's last one, and so on; each parent's last child is marked too ("held its parent up").
import type { FlowNode } from '../../../../shared/domain';
import type { FlowData } from '../../../../shared/flow-model';
import { duration } from '../inspector/time-words';

export type SegmentKind = 'delayed' | 'waiting' | 'retrying' | 'running';

export interface TimelineSegment {
  kind: SegmentKind;
  /** Fractions of the axis. */
  from: number;
  to: number;
  /** Epoch ms. */
  startMs: number;
  endMs: number;
  /** The segment is still going on (it ends now). */
  open: boolean;
}

export interface TimelineRow {
  key: string;
  depth: number;
  node: FlowNode;
  segments: TimelineSegment[];
  /** The finish mark (a fraction), when it finished. */
  finishedAt: number | null;
  /** On the chain of last-finishing children from the root. */
  critical: boolean;
  /** The child that finished last under its parent (or has not finished): what held the parent up. */
  holdsUp: boolean;
  /** Created -> finished (or now), ms. */
  totalMs: number;
  /** It has children in view (its wait is for them). */
  hasChildren: boolean;
}

export interface TimelineTick {
  at: number;
  label: string;
}

export interface TimelineLayout {
  rows: TimelineRow[];
  /** Epoch ms of the axis's start (the first job created) and end (the last finish, or now). */
  startMs: number;
  endMs: number;
  ticks: TimelineTick[];
  /** Jobs in view, and how many rows were kept (at most `limit`, the critical path always). */
  total: number;
  /** Keys of the critical path, root first. */
  criticalPath: string[];
}

const finished = (n: FlowNode) => n.finishedOn !== null && n.finishedOn !== undefined;

/** When a job stopped holding its parent up: its finish, or now for one still going. */
function doneAt(n: FlowNode, now: number): number {
  return finished(n) ? n.finishedOn! : now;
}

/** Tree order from the root: a parent, then each child's subtree, in the view's sibling order. */
function treeOrder(data: Pick<FlowData, 'rootKey' | 'childKeys' | 'jobsByKey'>): { key: string; depth: number }[] {
  const out: { key: string; depth: number }[] = [];
  const seen = new Set<string>();
  const stack: { key: string; depth: number }[] = [{ key: data.rootKey, depth: 0 }];
  while (stack.length > 0) {
    const { key, depth } = stack.pop()!;
    if (seen.has(key) || !data.jobsByKey.has(key)) continue;
    seen.add(key);
    out.push({ key, depth });
    const kids = data.childKeys.get(key) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ key: kids[i]!, depth: depth + 1 });
  }
  return out;
}

/** The child of `key` that finished last, an unfinished one first (latest creation on a tie). */
function lastChild(data: Pick<FlowData, 'childKeys' | 'jobsByKey'>, key: string, now: number): string | null {
  let best: FlowNode | null = null;
  for (const k of data.childKeys.get(key) ?? []) {
    const n = data.jobsByKey.get(k);
    if (!n) continue;
    if (!best || doneAt(n, now) > doneAt(best, now) || (doneAt(n, now) === doneAt(best, now) && (n.timestamp ?? 0) > (best.timestamp ?? 0))) best = n;
  }
  return best?.key ?? null;
}

// A test seam: exported for test/unit/renderer-timeline.test.ts.
/** Ticks at a round step (1, 2 or 5 times a power of ten ms) that gives about `count` of them. */
export function timeTicks(spanMs: number, count = 6): TimelineTick[] {
  if (spanMs <= 0) return [{ at: 0, label: '0 ms' }];
  const raw = spanMs / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: TimelineTick[] = [];
  for (let t = 0; t <= spanMs + 1e-9; t += step) ticks.push({ at: t / spanMs, label: duration(t) });
  return ticks;
}

export function timelineLayout(data: Pick<FlowData, 'rootKey' | 'childKeys' | 'jobsByKey'>, now: number, limit = 2_000): TimelineLayout {
  const order = treeOrder(data);
  const empty: TimelineLayout = { rows: [], startMs: now, endMs: now, ticks: [], total: 0, criticalPath: [] };
  if (order.length === 0) return empty;

  const criticalPath: string[] = [];
  for (let key: string | null = data.rootKey; key; key = lastChild(data, key, now)) criticalPath.push(key);
  const critical = new Set(criticalPath);
  const holdsUp = new Set<string>();
  for (const { key } of order) {
    const last = lastChild(data, key, now);
    if (last) holdsUp.add(last);
  }

  let startMs = Infinity;
  let endMs = -Infinity;
  for (const { key } of order) {
    const n = data.jobsByKey.get(key)!;
    const created = n.timestamp ?? n.processedOn ?? n.finishedOn ?? now;
    startMs = Math.min(startMs, created);
    endMs = Math.max(endMs, doneAt(n, now), n.processedOn ?? created);
  }
  const span = Math.max(1, endMs - startMs);
  const at = (t: number) => Math.min(1, Math.max(0, (t - startMs) / span));

  // Kept rows: the first `limit` in tree order, and the critical path wherever it is.
  const kept = order.length <= limit ? order : order.filter((r, i) => i < limit || critical.has(r.key));
  const rows = kept.map(({ key, depth }): TimelineRow => {
    const n = data.jobsByKey.get(key)!;
    const created = n.timestamp ?? n.processedOn ?? now;
    const started = n.processedOn ?? null;
    const end = doneAt(n, now);
    const segments: TimelineSegment[] = [];
    const segment = (kind: SegmentKind, s: number, e: number, open: boolean) => segments.push({ kind, from: at(s), to: at(Math.max(s, e)), startMs: s, endMs: Math.max(s, e), open });
    // A delay first (job.delay from its creation), then the wait for a worker.
    const ready = n.delay > 0 ? Math.min(created + n.delay, started ?? end) : created;
    if (ready > created) segment('delayed', created, ready, started === null && !finished(n) && ready === end);
    if (started === null) segment('waiting', ready, end, !finished(n));
    else {
      segment(n.attemptsMade > 1 ? 'retrying' : 'waiting', ready, started, false);
      segment('running', started, end, !finished(n));
    }
    return {
      key,
      depth,
      node: n,
      segments,
      finishedAt: finished(n) ? at(n.finishedOn!) : null,
      critical: critical.has(key),
      holdsUp: holdsUp.has(key),
      totalMs: Math.max(0, end - created),
      hasChildren: (data.childKeys.get(key)?.length ?? 0) > 0,
    };
  });
  return { rows, startMs, endMs, ticks: timeTicks(span), total: order.length, criticalPath };
}
