// The flow list: roots (jobs with children and no parent) and parents in waiting-children,
// filtered by queue, name, state ("stuck", "has failed children"), searchable by job id,
// newest first, paged. States and counts come from the tree loader's load-level script, so
// they are exact; "stuck" counts failed children still in a parent's unprocessed bucket.
import type { FlowFilterState, FlowList, FlowSummary } from '../../../shared/domain';
import { discoverQueueNames } from '../queues/discover-queues';
import { jobKey, jobKeyParts } from '../tree';
import { loadLevel } from '../tree/load-level';
import { parseJobHash } from '../tree/parse-job-hash';
import { luaScript, RoundTrips } from '../lua/round-trips';
import countBlockingLua from './count-blocking.lua?raw';
import { findParentKeys } from './find-parents';
import type { CoreContext } from '../core-context';

const COUNT_BLOCKING = luaScript('count-blocking', countBlockingLua);
const BLOCKING_BATCH = 200;
const PARENTS_CACHE_MS = 3000;

export interface FlowFilter {
  queue?: string;
  name?: string;
  state?: FlowFilterState;
  search?: string;
  cursor?: string;
  limit?: number;
}

async function countBlocking(trips: RoundTrips, keys: string[]): Promise<Map<string, number>> {
  const calls = [];
  for (let i = 0; i < keys.length; i += BLOCKING_BATCH) {
    calls.push({ script: COUNT_BLOCKING, keys: keys.slice(i, i + BLOCKING_BATCH), args: [10_000] });
  }
  const replies = (await trips.run(calls)).flatMap((r) => (Array.isArray(r) ? r : []));
  return new Map(keys.map((key, i) => [key, Number((replies[i] as unknown[] | undefined)?.[0] ?? 0)]));
}

/** A flow lister with a short-lived cache of the parent scan, so paging does not rescan. */
export function createFlowLister(ctx: Pick<CoreContext, 'redis' | 'prefix'>) {
  const redis = () => ctx.redis();
  let cache: { scope: string; at: number; keys: string[] } | undefined;

  const parentKeys = async (prefix: string, queue: string | undefined, fresh: boolean): Promise<string[]> => {
    const scope = `${prefix}\n${queue ?? ''}`;
    if (!fresh && cache && cache.scope === scope && Date.now() - cache.at < PARENTS_CACHE_MS) return cache.keys;
    const keys = await findParentKeys(redis(), prefix, queue);
    cache = { scope, at: Date.now(), keys };
    return keys;
  };

  return async function listFlows(filter: FlowFilter): Promise<FlowList> {
    const prefix = ctx.prefix;
    const limit = filter.limit ?? 50;
    const offset = filter.cursor ? Number.parseInt(filter.cursor, 10) || 0 : 0;
    const trips = new RoundTrips(redis());

    let candidates: string[];
    if (filter.search) {
      const queues = filter.queue ? [filter.queue] : await discoverQueueNames(redis(), prefix);
      candidates = queues.map((q) => jobKey(prefix, q, filter.search!));
    } else {
      candidates = await parentKeys(prefix, filter.queue, offset === 0);
    }

    const records = await loadLevel(trips, candidates, 0);
    let flows: FlowSummary[] = [];
    for (const record of records) {
      if (record.kind !== 'hash') continue;
      const hash = parseJobHash(record.fields);
      const isRoot = hash.parentKey === null;
      if (!filter.search && !isRoot && record.state !== 'waiting-children') continue;
      const { queue, id } = jobKeyParts(prefix, record.key);
      if (filter.name && !(hash.name ?? '').toLowerCase().includes(filter.name.toLowerCase())) continue;
      flows.push({
        key: record.key,
        queue,
        id,
        name: hash.name,
        state: record.state,
        timestamp: hash.timestamp,
        isRoot,
        childCounts: record.counts,
        blockingFailures: 0,
      });
    }

    const needsBlocking = filter.state === 'stuck' || filter.state === 'has-failed-children';
    if (needsBlocking) {
      const blocking = await countBlocking(trips, flows.filter((f) => f.childCounts.unprocessed > 0).map((f) => f.key));
      for (const flow of flows) flow.blockingFailures = blocking.get(flow.key) ?? 0;
      flows = flows.filter((f) =>
        filter.state === 'stuck'
          ? f.blockingFailures > 0
          : f.blockingFailures + f.childCounts.failed + f.childCounts.ignored > 0,
      );
    } else if (filter.state) {
      flows = flows.filter((f) => f.state === filter.state);
    }

    flows.sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0) || a.key.localeCompare(b.key));
    const page = flows.slice(offset, offset + limit);
    if (!needsBlocking) {
      const blocking = await countBlocking(trips, page.filter((f) => f.childCounts.unprocessed > 0).map((f) => f.key));
      for (const flow of page) flow.blockingFailures = blocking.get(flow.key) ?? 0;
    }
    return { flows: page, nextCursor: offset + limit < flows.length ? String(offset + limit) : null };
  };
}
