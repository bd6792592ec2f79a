// The next page of one big bucket of a parent, for a tree whose bucket was truncated: one call
// lists the page (children-page.lua), then the children (and optionally their subtrees) load
// level by level like loadTree. Cursors are opaque: 0 starts a bucket, and a page's
// `nextCursor` is null when the bucket is exhausted. There is no snapshot between pages, so a
// bucket that changes meanwhile can repeat or skip a key that moved: callers merge by key and
// live events cover moves.
import type { RedisClient } from '../connection/redis-client';
import type { Bucket, ChildrenPage } from '../../../shared/domain';
import childrenPageLua from './children-page.lua?raw';
import { luaScript, RoundTrips, type ScriptCall } from '../lua/round-trips';
import { DEFAULT_MAX_NODES, pageSizeOf, wholeNumber } from './tree-options';
import { walkLevels } from './tree-walk';

export type { ChildrenPage };

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const CHILDREN_PAGE = luaScript('children-page', childrenPageLua);

export interface BucketKeysPage {
  total: number;
  /** Where the next page starts; "0" when the bucket is exhausted. */
  cursor: string;
  keys: string[];
  /** Set when the bucket key has the wrong type (then the page is empty). */
  error?: string;
}

/** The call that lists one page of a bucket's child keys (for callers that send many pages in one round trip). */
export function bucketPageCall(parentKey: string, bucket: Bucket, cursor: string, count: number): ScriptCall {
  return { script: CHILDREN_PAGE, keys: [parentKey], args: [bucket, cursor, count] };
}

/** The reply of a bucketPageCall. */
export function parseBucketPage(reply: unknown): BucketKeysPage {
  const [total, next, keys, error] = Array.isArray(reply) ? reply : [];
  const page: BucketKeysPage = {
    total: Number(total) || 0,
    cursor: typeof next === 'string' ? next : '0',
    keys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [],
  };
  if (typeof error === 'string') page.error = error;
  return page;
}

/** One page of a bucket's child keys (children-page.lua alone: no nodes loaded), `count` keys at most. */
export async function listBucketPage(
  trips: RoundTrips,
  parentKey: string,
  bucket: Bucket,
  cursor: string,
  count: number,
): Promise<BucketKeysPage> {
  const [reply] = await trips.run([bucketPageCall(parentKey, bucket, cursor, count)]);
  return parseBucketPage(reply);
}

export interface ChildrenPageOptions {
  /** Depth of the parent in the caller's tree (children get parentDepth + 1). Default 0. */
  parentDepth?: number;
  /** Levels to load below the page's children. Default 0: the children with their counts. */
  depth?: number;
  /** Children of this bucket the caller already shows, so `truncated.shown` is cumulative. */
  shown?: number;
  maxNodes?: number;
}

export async function loadChildrenPage(
  redis: RedisClient,
  prefix: string,
  parentKey: string,
  bucket: Bucket,
  cursor: number,
  pageSize: number,
  options: ChildrenPageOptions = {},
): Promise<ChildrenPage> {
  const started = performance.now();
  const trips = new RoundTrips(redis);
  const parentDepth = wholeNumber(options.parentDepth, 0, 0);
  const size = pageSizeOf(pageSize);
  const start = wholeNumber(cursor, 0, 0);

  const [reply] = await trips.run([{ script: CHILDREN_PAGE, keys: [parentKey], args: [bucket, String(start), size] }]);
  const [total, next, keys, error] = Array.isArray(reply) ? reply : [];
  const childKeys = Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  const totalCount = Number(total) || 0;
  const nextCursor = typeof next === 'string' && next !== '0' ? Number(next) : null;

  const { nodes, truncated } = await walkLevels(
    trips,
    prefix,
    [...new Set(childKeys)].map((key) => ({
      key,
      placement: { kind: 'child', parentKey, bucket, depth: parentDepth + 1 },
    })),
    {
      maxDepth: parentDepth + 1 + wholeNumber(options.depth, 0, 0),
      pageSize: size,
      maxNodes: wholeNumber(options.maxNodes, DEFAULT_MAX_NODES, 1),
      ancestors: new Set([parentKey]),
    },
  );
  if (nextCursor !== null) {
    truncated.unshift({
      parentKey,
      bucket,
      shown: wholeNumber(options.shown, 0, 0) + childKeys.length,
      total: totalCount,
      nextCursor,
    });
  }
  const page: ChildrenPage = {
    parentKey,
    bucket,
    nodes,
    total: totalCount,
    nextCursor,
    truncated,
    stats: { ms: Math.round((performance.now() - started) * 10) / 10, roundTrips: trips.count, nodes: nodes.length },
  };
  if (typeof error === 'string') page.error = error;
  return page;
}
