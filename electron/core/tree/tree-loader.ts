// Loads the subtree of one job, exactly (states and buckets as BullMQ's getState() and
// getDependencies() give them) and in a number of Redis round trips that grows with the tree's
// depth, not its size: the ancestors and the root go out together, then one round trip per
// level. Bad data becomes node errors; only Redis errors throw.
import type { RedisClient } from '../connection/redis-client';
import type { FlowTree } from '../../../shared/domain';
import { ancestorsCall, parseAncestors } from './ancestors';
import { jobKey } from '../../../shared/job-keys';
import { LevelLoad } from './load-level';
import { RoundTrips } from '../lua/round-trips';
import { DEFAULT_DEPTH, DEFAULT_MAX_NODES, pageSizeOf, wholeNumber } from './tree-options';
import { walkLevels } from './tree-walk';

export interface LoadTreeOptions {
  /** Levels below the root to load (root = 0). Default 10, like FlowProducer.getFlow; Infinity for all. */
  depth?: number;
  /** Children listed per bucket per parent; the rest is reported in `truncated`. Default 200, at most 10,000. */
  pageSize?: number;
  /** Most nodes in one tree (bounds memory); further children are reported truncated. Default 50,000. */
  maxNodes?: number;
  /**
   * Called before each level below the root is read, with its keys: a live view takes the
   * positions of the event streams of queues new in that level, so it misses nothing between.
   */
  beforeLevel?: (keys: string[]) => Promise<void>;
}

export async function loadTree(
  redis: RedisClient,
  prefix: string,
  queue: string,
  jobId: string,
  options: LoadTreeOptions = {},
): Promise<FlowTree> {
  const started = performance.now();
  const depth = wholeNumber(options.depth, DEFAULT_DEPTH, 0);
  const pageSize = pageSizeOf(options.pageSize);
  const maxNodes = wholeNumber(options.maxNodes, DEFAULT_MAX_NODES, 1);
  const trips = new RoundTrips(redis);
  const root = jobKey(prefix, queue, jobId);

  const rootLoad = new LevelLoad([root], { pageSize: depth > 0 ? pageSize : 0, withParentBucket: true });
  const [ancestorsReply, ...rootReplies] = await trips.run([ancestorsCall(root), ...rootLoad.calls]);
  const ancestry = parseAncestors(root, ancestorsReply);
  const { nodes, truncated } = await walkLevels(
    trips,
    prefix,
    [{ key: root, placement: { kind: 'root', depth: 0, parentExists: ancestry.keys.length > 0 } }],
    { maxDepth: depth, pageSize, maxNodes, ancestors: new Set(ancestry.keys), ...(options.beforeLevel ? { beforeLevel: options.beforeLevel } : {}) },
    rootLoad.decodeAll(rootReplies),
  );
  const rootNode = nodes[0];
  if (rootNode && ancestry.problem) rootNode.error = [rootNode.error, ancestry.problem].filter(Boolean).join('; ');

  return {
    root,
    ancestors: ancestry.keys,
    nodes,
    truncated,
    stats: { ms: Math.round((performance.now() - started) * 10) / 10, roundTrips: trips.count, nodes: nodes.length },
  };
}
