// Flow trees built by hand for unit tests: a FlowNode with every field at a plain default (a
// waiting job of queue 'q', no parent, no children, one attempt), a FlowTree of such nodes, and
// the model (shared/flow-model.ts) a renderer view holds of it. Each test names only the fields
// its case is about.
import type { FlowNode, FlowTree, TruncatedBucket } from '../../shared/domain';
import { fromSnapshot, type FlowData } from '../../shared/flow-model';

export const NO_CHILDREN: FlowNode['childCounts'] = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };

/** The job `key` (its id the key, unless `fields` says otherwise), then `fields`. */
export function flowNode(key: string, fields: Partial<FlowNode> = {}): FlowNode {
  return {
    key,
    queue: 'q',
    id: key,
    name: key,
    state: 'waiting',
    parentKey: null,
    bucket: null,
    policy: null,
    attemptsMade: 0,
    attempts: 1,
    timestamp: 1,
    processedOn: null,
    finishedOn: null,
    delay: 0,
    priority: 0,
    failedReason: null,
    blocking: false,
    childCounts: { ...NO_CHILDREN },
    depth: 0,
    ...fields,
  };
}

/** A loaded tree of `nodes`, the first the root. */
export function flowTree(nodes: FlowNode[], truncated: TruncatedBucket[] = [], cost: { ms: number; roundTrips: number } = { ms: 0, roundTrips: 0 }): FlowTree {
  return { root: nodes[0]!.key, ancestors: [], nodes, truncated, stats: { ...cost, nodes: nodes.length } };
}

/** The live model of that tree, as a view holds it after its snapshot. */
export function flowData(nodes: FlowNode[], truncated: TruncatedBucket[] = []): FlowData {
  return fromSnapshot(flowTree(nodes, truncated));
}
