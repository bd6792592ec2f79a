// Finding a job from whatever a ticket holds. The text is read as one job id, with the queue it
// names if it names one:
//
//   3f34ce14-…-9b2d            the id itself, in any case (an upper-case UUID finds the job)
//   #17                        the UI's `#id`
//   3f34ce14…  or 3f34ce14     the short id the UI shows: ids starting with it (6+ characters)
//   stuck-fetch:3f34…          `queue:id`, the CLI's flow column (a trailing " (child)" is fine)
//   bull:stuck-fetch:3f34…     the full key, as Copy key and the audit log give it
//   http://…/#/flow/q/17       a Flowscope link
//
// Cost: the exact id (and its lower- and upper-case forms) is one EXISTS per queue searched,
// all sent at once; only when that finds nothing is the id matched as a prefix, against the
// keys of the flow list's cached SCAN (no scan of its own per keystroke).

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
