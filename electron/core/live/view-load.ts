// A live view's whole load (on subscribe, resync and reload) and the snapshot it sends: the
// tree as loadTree shows it, with the streams of its queues followed from before the load so
// no event between is missed.
import type { FlowSnapshot } from '../../../shared/domain';
import type { FlowscopeError } from '../../../shared/errors';
import { queueKeyOf } from '../../../shared/job-keys';
import { missingJobError } from '../flows/missing-job';
import { loadTree } from '../tree';
import type { LiveFlowView } from './flow-view';
import { EVENTS_SUFFIX, streamOf } from './stream-follow';
import type { LiveCore, StreamFollow } from './stream-follow';

export interface ViewLoadDeps {
  core: Pick<LiveCore, 'redis' | 'prefix'>;
  streams: StreamFollow;
  /** Re-reads these keys of the view in its next run. */
  schedule(view: LiveFlowView, keys: string[]): void;
}

/**
 * Loads the view's tree. A root that is not there throws NOT_FOUND, or with `onMissing`
 * 'show' (a reload of an open view) becomes the view's tree (one node, state missing) and
 * the error is returned, so the client is told instead of keeping the old tree.
 */
export async function loadView(view: LiveFlowView, deps: ViewLoadDeps, onMissing: 'throw' | 'show' = 'throw'): Promise<FlowscopeError | null> {
  const { queue, jobId, depth, pageSize } = view.options;
  // Positions of the streams taken before the load, so nothing between is missed: the root's
  // queue first, then each queue new in a level just before that level is read.
  const rootQueueKey = `${deps.core.prefix}:${queue}`;
  const positions = await deps.streams.positions([rootQueueKey]);
  const beforeLevel = async (keys: string[]) => {
    const fresh = [...new Set(keys.map(queueKeyOf))].filter((q) => !positions.has(streamOf(q)));
    for (const [stream, id] of await deps.streams.positions(fresh)) positions.set(stream, id);
  };
  const tree = await loadTree(deps.core.redis(), deps.core.prefix, queue, jobId, { depth, pageSize, beforeLevel });
  let gone: FlowscopeError | null = null;
  if (tree.nodes[0]?.state === 'missing') {
    gone = await missingJobError(deps.core.redis(), deps.core.prefix, queue, jobId);
    if (onMissing === 'throw') throw gone;
    tree.nodes.splice(1);
  }
  view.reset(tree);
  // Streams of queues without a position (none should be left) are followed from now: re-read
  // their nodes once, in case they changed between the load and now.
  const late = await deps.streams.follow(view, positions);
  for (const stream of positions.keys()) late.delete(stream.slice(0, -EVENTS_SUFFIX.length));
  if (late.size > 0) {
    const keys = [...view.nodes.keys()].filter((k) => late.has(queueKeyOf(k)));
    deps.schedule(view, keys);
  }
  return gone;
}

/** The view's snapshot at its current sequence number, with what its client should be told. */
export function snapshotOf(view: LiveFlowView, streams: StreamFollow, gone: FlowscopeError | null = null): FlowSnapshot {
  const warnings = streams.warnings(view);
  if (gone) warnings.unshift(`The flow is gone from Redis (NOT_FOUND): ${gone.message}. The view stays open and shows it again if it comes back.`);
  return { subscriptionId: view.id, seq: view.seq, tree: view.tree(), ...(warnings.length > 0 ? { warnings } : {}) };
}
