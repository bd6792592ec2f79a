// Finding a job from whatever a ticket holds. The text is read as one job id, with the queue it
// names if it names one:
//
//   3f34ce14-…-9b2d            the id itself, in any case (an upper-case UUID finds the job)
//   #17                        the UI's `#id`
//   3f34ce14…  or 3f34ce14     the short id the UI shows: ids starting with it (6+ characters)
//   stuck-fetch:3f34…          `queue:id`, the CLI's flow column (a trailing " (child)" is fine)
//   bull:stuck-fetch:3f34…     the full key, as Copy key and the audit log give it
//   http://…/#/flow/q/17       a Flowscope link (the web host's)
//   flowscope://flow/q/17      the desktop app's deep link (?connection=… is the UI's business)
//
// Cost: the exact id (and its lower- and upper-case forms) is one EXISTS per queue searched,
// all sent at once; only when that finds nothing is the id matched as a prefix, by walking the
// searched queues' state sets (findJobsByIdPrefix): the jobs of those queues, never the
// keyspace, and nothing kept in the host.
import type { RedisClient } from '../connection/redis-client';
import { parseDeepLink } from '../../../shared/deep-link';
import { jobKey, queueKeys } from '../../../shared/job-keys';

/** What a search text asks for. */
export interface SearchTerms {
  id: string;
  /** Queues the text names (a full key may be read two ways); null when it names none. */
  queues: string[] | null;
}

const QUOTES = /^[`'"“”‘’<\s]+|[`'"“”‘’>\s]+$/g;

/** Reads a search text under `prefix`; null when it holds no id (empty, or ending in ':'). */
export function parseJobSearch(text: string, prefix: string): SearchTerms | null {
  let t = text.replace(QUOTES, '').trim();
  t = t.replace(/\s*\(child\)$/, '');

  const deepLink = parseDeepLink(t);
  if (deepLink) return { queues: [deepLink.queue], id: deepLink.jobId };

  const link = /#\/flow\/([^/?#]+)\/([^/?#]+)/.exec(t);
  if (link) {
    try {
      return { queues: [decodeURIComponent(link[1]!)], id: decodeURIComponent(link[2]!) };
    } catch {
      return null;
    }
  }

  // A short id as the UI shows it: cut, with an ellipsis.
  t = t.replace(/(…|\.\.\.)$/, '').trim();
  const last = t.lastIndexOf(':');
  if (last < 0) {
    const id = t.replace(/^#/, '');
    return id ? { id, queues: null } : null;
  }
  const id = t.slice(last + 1).trim().replace(/^#/, '');
  const rest = t.slice(0, last).trim();
  if (!id || !rest) return null;
  // `P:Q:id` under this prefix, or `Q:id` of a queue whose name happens to start with `P:`.
  const queues = rest.startsWith(`${prefix}:`) && rest.length > prefix.length + 1 ? [rest.slice(prefix.length + 1), rest] : [rest];
  return { id, queues };
}

/** The id as typed, in lower case and in upper case: BullMQ keys are case-sensitive, people are not. */
export function idVariants(id: string): string[] {
  return [...new Set([id, id.toLowerCase(), id.toUpperCase()])];
}

/**
 * The queues a search looks in: those the text names (as written, and any known queue of the
 * same name in another case), else the list's queue, else every known queue. A named queue is
 * looked in even when the (cached) list of known queues does not have it yet.
 */
export function searchScope(terms: SearchTerms, listQueue: string | undefined, known: readonly string[]): string[] {
  if (!terms.queues) return listQueue ? [listQueue] : [...known];
  const other = terms.queues.flatMap((q) => known.filter((k) => k !== q && k.toLowerCase() === q.toLowerCase()));
  return [...new Set([...terms.queues, ...other])];
}

// A test seam: exported for test/integration/flows/job-prefix-search.test.ts.
/** A glob matching `text` in any case, Redis glob specials escaped: `ab1` -> `[aA][bB]1`. */
export function anyCaseGlob(text: string): string {
  let glob = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (lower !== upper && lower.length === 1 && upper.length === 1) glob += `[${lower}${upper}]`;
    else glob += /[*?[\]\\^]/.test(ch) ? `\\${ch}` : ch;
  }
  return glob;
}

const ZSETS = ['delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
const LISTS = ['wait', 'paused', 'active'] as const;
/** Members per ZSCAN / LRANGE call: a few ms of Redis each. */
const WALK_CHUNK = 2000;

// A test seam: exported for test/integration/flows/job-prefix-search.test.ts, which runs the prefix walk without a core.
/**
 * Keys of the jobs of `queues` whose id starts with `idPrefix` in any case, at most `max`. Every
 * job sits in one of its queue's state sets, so those are walked (ZSCAN with a MATCH for the
 * sorted sets, LRANGE in chunks for the lists), not the keyspace: the cost is the number of jobs
 * in the queues searched, whatever else the Redis holds, and nothing is kept after the answer.
 * Hits are unverified members (a reader checks the hash).
 */
export async function findJobsByIdPrefix(redis: RedisClient, prefix: string, queues: readonly string[], idPrefix: string, max: number): Promise<string[]> {
  const hits = new Set<string>();
  const want = idPrefix.toLowerCase();
  const match = `${anyCaseGlob(idPrefix)}*`;
  const full = () => hits.size >= max;
  const add = (queue: string, ids: string[]) => {
    for (const id of ids) {
      if (full()) return;
      if (id.toLowerCase().startsWith(want)) hits.add(jobKey(prefix, queue, id));
    }
  };
  for (const queue of queues) {
    const keys = queueKeys(`${prefix}:${queue}`);
    const walks = [
      ...ZSETS.map(async (set) => {
        const key = set === 'waiting-children' ? keys.waitingChildren : keys[set];
        let cursor = '0';
        do {
          const [next, flat] = await redis.zscan(key, cursor, 'MATCH', match, 'COUNT', WALK_CHUNK);
          cursor = next;
          add(queue, flat.filter((_, i) => i % 2 === 0));
        } while (cursor !== '0' && !full());
      }),
      ...LISTS.map(async (list) => {
        for (let start = 0; !full(); start += WALK_CHUNK) {
          const ids = await redis.lrange(keys[list], start, start + WALK_CHUNK - 1);
          add(queue, ids);
          if (ids.length < WALK_CHUNK) break;
        }
      }),
    ];
    // A key of the wrong type (WRONGTYPE) holds no job ids: the other sets are still searched.
    await Promise.all(
      walks.map((walk) =>
        walk.catch((err: unknown) => {
          if (!(err instanceof Error && err.message.startsWith('WRONGTYPE'))) throw err;
        }),
      ),
    );
    if (full()) break;
  }
  return [...hits];
}
