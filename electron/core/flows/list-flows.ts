// The flow list: roots (jobs with children and no parent) and parents in waiting-children,
// filtered by queue, name, state ("stuck", "has failed children"), newest first, paged; or the
// answer to a search for one job (any job, leaf children too: job-search.ts says what a search
// text may be). States and counts come from the tree loader's load-level script, so they are
// exact; "stuck" counts failed children still in a parent's unprocessed bucket.
// The list walks the queues' state sets newest first (flow-walk.ts), checking which jobs have
// children as it goes, and stops once the page is full: its cost is the page, the flows and the
// plain jobs walked past, not the keys under the prefix; a long-lived core remembers what it
// walked (flow-index.ts), so its next listings walk only what is new. Each page is sorted by
// creation time.
// Every answer carries `stats` (wall time in the core, Redis round trips).
import { MIN_ID_PREFIX, type FlowFilterState, type FlowList, type FlowSearch, type FlowSummary, type JobState } from '../../../shared/domain';
import type { RedisClient } from '../connection/redis-client';
import { discoverQueueNames } from '../queues/discover-queues';
import { jobKey, jobKeyPartsOf } from '../../../shared/job-keys';
import { ancestorsCall, parseAncestors } from '../tree/ancestors';
import { LevelLoad, type LevelRecord } from '../tree/load-level';
import { parseJobHash } from '../tree/parse-job-hash';
import { luaScript, RoundTrips } from '../lua/round-trips';
import countBlockingLua from './count-blocking.lua?raw';
import { FlowIndex, INDEXED_SETS } from './flow-index';
import { decodeWalkCursor, encodeWalkCursor, FlowWalk, WALK_BUDGET, type Candidate } from './flow-walk';
import { findJobsByIdPrefix, idVariants, parseJobSearch, searchScope } from './job-search';
import { queueExists } from './missing-job';
import type { CoreContext } from '../core-context';

const COUNT_BLOCKING = luaScript('count-blocking', countBlockingLua);
const BLOCKING_BATCH = 200;
/** How long the queue names found without a registry serve later searches. */
const QUEUE_NAMES_CACHE_MS = 3000;
/** Most jobs one search answers with (a prefix can match many). */
const MAX_SEARCH_HITS = 200;

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

/** The keys among `keys` that exist: one EXISTS each, written back to back (one round trip). */
async function existing(redis: RedisClient, keys: string[]): Promise<string[]> {
  const found = await Promise.all(keys.map((key) => redis.exists(key)));
  return keys.filter((_, i) => found[i]! > 0);
}

/**
 * A flow lister: the list walks the state sets (remembering what it walked, flow-index.ts); a
 * search by id prefix walks the searched queues' state sets (job-search.ts findJobsByIdPrefix).
 */
export function createFlowLister(
  ctx: Pick<CoreContext, 'redis' | 'prefix'>,
  /** The queue names the core already knows (its registry); without it the lister discovers them itself. */
  knownQueues?: () => Promise<string[]>,
) {
  const redis = () => ctx.redis();
  let queueCache: { prefix: string; at: number; names: string[] } | undefined;
  /** What this core's walks found (flow-index.ts): the next listing walks only what is new. */
  let flowIndex: FlowIndex | undefined;

  const fresh = (at: number) => Date.now() - at < QUEUE_NAMES_CACHE_MS;

  const queueNames = async (prefix: string): Promise<string[]> => {
    if (queueCache && queueCache.prefix === prefix && fresh(queueCache.at)) return queueCache.names;
    const names = await discoverQueueNames(redis(), prefix);
    queueCache = { prefix, at: Date.now(), names };
    return names;
  };

  /** The keys a search finds, and how it read the text; exact ids first, then id prefixes. */
  const search = async (prefix: string, text: string, listQueue: string | undefined): Promise<{ keys: string[]; search: FlowSearch }> => {
    const terms = parseJobSearch(text, prefix);
    const known = terms ? await queueNames(prefix) : [];
    let queues = terms ? searchScope(terms, listQueue, known) : listQueue ? [listQueue] : known;
    const answer: FlowSearch = {
      text,
      id: terms?.id ?? text.trim(),
      queues,
      unknownQueues: [],
      prefix,
      match: 'none',
      prefixSearched: false,
      found: 0,
    };
    if (!terms) return { keys: [], search: answer };

    const exact = await existing(
      redis(),
      queues.flatMap((q) => idVariants(terms.id).map((v) => jobKey(prefix, q, v))),
    );
    if (exact.length > 0) return { keys: exact, search: { ...answer, match: 'exact' } };
    if (terms.queues) {
      // Named queues that are not there at all: say that, rather than "no job".
      const there = await Promise.all(queues.map((q) => known.includes(q) || queueExists(redis(), prefix, q)));
      queues = queues.filter((_, i) => there[i]);
      if (queues.length === 0) return { keys: [], search: { ...answer, queues: [terms.queues[0]!], unknownQueues: [terms.queues[0]!] } };
      answer.queues = queues;
    }
    if (terms.id.length < MIN_ID_PREFIX) return { keys: [], search: answer };
    // The searched queues' own state sets, never the keyspace; nothing is kept after the answer.
    const hits = await findJobsByIdPrefix(redis(), prefix, queues, terms.id, MAX_SEARCH_HITS);
    return { keys: hits, search: { ...answer, prefixSearched: true, match: hits.length > 0 ? 'id-prefix' : 'none' } };
  };

  /** A search's answer: the jobs it found (any job, leaf children too), each with its flow root. */
  const searchList = async (filter: FlowFilter & { search: string }, trips: RoundTrips): Promise<FlowList> => {
    const prefix = ctx.prefix;
    const limit = filter.limit ?? 50;
    const offset = filter.cursor ? Number.parseInt(filter.cursor, 10) || 0 : 0;
    const { keys: candidates, search: searched } = await search(prefix, filter.search, filter.queue);

    // A search hit's flow root comes with it: the ancestors of each hit, in the same round trip.
    const load = new LevelLoad(candidates, { pageSize: 0 });
    const ancestorCalls = candidates.map(ancestorsCall);
    const replies = await trips.run([...load.calls, ...ancestorCalls]);
    const records: LevelRecord[] = load.decodeAll(replies.slice(0, load.calls.length));
    const roots = new Map<string, string>();
    candidates.forEach((key, i) => {
      const top = parseAncestors(key, replies[load.calls.length + i]).keys[0];
      if (top) roots.set(key, top);
    });

    let flows: FlowSummary[] = [];
    for (const record of records) {
      if (record.kind !== 'hash') continue;
      searched.found++;
      const flow = summaryOf(prefix, record, filter, roots.get(record.key));
      if (flow) flows.push(flow);
    }
    const needsBlocking = filter.state === 'stuck' || filter.state === 'has-failed-children';
    if (needsBlocking) flows = await withBlocking(trips, flows, filter.state);
    else if (filter.state) flows = flows.filter((f) => f.state === filter.state);

    flows.sort(newestFirst);
    const page = flows.slice(offset, offset + limit);
    if (!needsBlocking) await withBlocking(trips, page);
    const nextCursor = offset + limit < flows.length ? String(offset + limit) : null;
    if (searched.found === 0) searched.match = 'none';
    return { flows: page, nextCursor, search: searched };
  };

  /**
   * The list itself: flow roots (in any state) and parents in waiting-children, newest first,
   * walked from the queues' state sets (flow-walk.ts) until the page is full and one more flow
   * is known to follow.
   */
  const walkList = async (filter: FlowFilter, trips: RoundTrips): Promise<FlowList> => {
    const prefix = ctx.prefix;
    const limit = filter.limit ?? 50;
    const queues = filter.queue ? [filter.queue] : await (knownQueues ? knownQueues() : queueNames(prefix));
    const needsBlocking = filter.state === 'stuck' || filter.state === 'has-failed-children';
    const before = decodeWalkCursor(filter.cursor);
    const client = redis();
    if (!flowIndex?.usable(client, prefix)) flowIndex = new FlowIndex(client, prefix);
    const walk = new FlowWalk(trips, prefix, queues, needsBlocking ? undefined : (filter.state as JobState | undefined), before, WALK_BUDGET, flowIndex);
    const handedOut: Candidate[] = [];
    const accepted: { flow: FlowSummary; handed: number }[] = [];

    while (accepted.length <= limit) {
      const batch: Candidate[] = [];
      const want = limit + 1 - accepted.length;
      while (batch.length < want) {
        const next = await walk.next();
        if (!next) break;
        batch.push(next);
      }
      if (batch.length === 0) break;
      const load = new LevelLoad(batch.map((c) => c.key), { pageSize: 0 });
      const records = load.decodeAll(await trips.run(load.calls));
      let flows: FlowSummary[] = [];
      const at = new Map<string, number>();
      records.forEach((record, i) => {
        handedOut.push(batch[i]!);
        at.set(record.key, handedOut.length);
        if (record.kind !== 'hash') {
          flowIndex?.forget(batch[i]!.queue, record.key);
          return;
        }
        // An indexed set's entry (those sets are named as their state) whose job has moved on is dropped.
        if (INDEXED_SETS.has(batch[i]!.set) && record.state !== batch[i]!.set) flowIndex?.drop(batch[i]!);
        const flow = summaryOf(prefix, record, filter);
        // The walk saw it as a root or a waiting parent; what the load read now decides.
        if (flow && (flow.isRoot || flow.state === 'waiting-children')) flows.push(flow);
      });
      if (needsBlocking) flows = await withBlocking(trips, flows, filter.state);
      else if (filter.state) flows = flows.filter((f) => f.state === filter.state);
      for (const flow of flows) accepted.push({ flow, handed: at.get(flow.key)! });
    }

    const page = accepted.slice(0, limit);
    let nextCursor: string | null = null;
    if (accepted.length > limit) {
      const last = page[page.length - 1]!;
      const consumed = handedOut.slice(0, last.handed);
      nextCursor = encodeWalkCursor(walk.cursorAfter(consumed[consumed.length - 1]!, before, consumed));
    }
    const flows = page.map((a) => a.flow).sort(newestFirst);
    if (!needsBlocking) await withBlocking(trips, flows);
    return { flows, nextCursor };
  };

  return async function listFlows(filter: FlowFilter): Promise<FlowList> {
    const started = performance.now();
    const trips = new RoundTrips(redis());
    const list = filter.search ? await searchList({ ...filter, search: filter.search }, trips) : await walkList(filter, trips);
    return { ...list, stats: { ms: Math.round((performance.now() - started) * 10) / 10, roundTrips: trips.count } };
  };
}

const newestFirst = (a: FlowSummary, b: FlowSummary) => (b.timestamp ?? 0) - (a.timestamp ?? 0) || a.key.localeCompare(b.key);

/** A loaded job as a flow list row, or undefined when the name filter leaves it out. */
function summaryOf(prefix: string, record: LevelRecord, filter: FlowFilter, rootKey?: string): FlowSummary | undefined {
  const hash = parseJobHash(record.fields);
  if (filter.name && !(hash.name ?? '').toLowerCase().includes(filter.name.toLowerCase())) return undefined;
  const { queue, id } = jobKeyPartsOf(record.key, prefix);
  return {
    key: record.key,
    queue,
    id,
    name: hash.name,
    state: record.state,
    timestamp: hash.timestamp,
    isRoot: hash.parentKey === null,
    childCounts: record.counts,
    blockingFailures: 0,
    ...(rootKey ? { root: { key: rootKey, ...pick(jobKeyPartsOf(rootKey, prefix)) } } : {}),
  };
}

/**
 * Sets blockingFailures (failed children still in the unprocessed bucket) on the flows that
 * have unprocessed children; with a blocking filter, keeps only the flows it lets through.
 */
async function withBlocking(trips: RoundTrips, flows: FlowSummary[], state?: FlowFilterState): Promise<FlowSummary[]> {
  const blocking = await countBlocking(trips, flows.filter((f) => f.childCounts.unprocessed > 0).map((f) => f.key));
  for (const flow of flows) flow.blockingFailures = blocking.get(flow.key) ?? 0;
  if (state === 'stuck') return flows.filter((f) => f.blockingFailures > 0);
  if (state === 'has-failed-children') return flows.filter((f) => f.blockingFailures + f.childCounts.failed + f.childCounts.ignored > 0);
  return flows;
}

const pick = ({ queue, id }: { queue: string; id: string }) => ({ queue, id });
