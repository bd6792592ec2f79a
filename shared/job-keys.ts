// The one way to name BullMQ's keys, for the core, its Lua callers and the renderer.
//
// A job key is `P:Q:id`. BullMQ refuses ':' in custom job ids, so the id is what follows the last
// ':' and the queue key `P:Q` (which every state list and set of the job's queue hangs off) is
// what precedes it, as BullMQ's destructureJobKey.lua splits it. Queue names may contain ':'
// (older BullMQ, or a queue opened with a prefix such as `P:billing`), so the queue *name* is the
// queue key minus the connection's prefix when the key starts with it; a key under another prefix
// falls back to BullMQ's parseNodeKey rule (the segment between the last two ':').
//
// A queue's own keys are named by queueKeys() (BullMQ's QueueKeys is the model); a parent's
// child buckets by shared/buckets.ts.

export interface JobKeyParts {
  /** `P:Q`, e.g. `bull:emails`. */
  queueKey: string;
  queue: string;
  id: string;
}

export function jobKey(prefix: string, queue: string, id: string): string {
  return `${prefix}:${queue}:${id}`;
}

/** `P:Q` and the id of `P:Q:id`; a key with no ':' before a non-empty id has no queue key (''). */
export function splitJobKey(key: string): { queueKey: string; id: string } {
  const last = key.lastIndexOf(':');
  if (last <= 0 || last === key.length - 1) return { queueKey: '', id: key };
  return { queueKey: key.slice(0, last), id: key.slice(last + 1) };
}

/** The queue key `P:Q` of a job key (`''` when it is not one). */
export function queueKeyOf(key: string): string {
  return splitJobKey(key).queueKey;
}

/** Queue key, queue name and id of a job key, given the connection's prefix; null when it is not a job key. */
export function parseJobKey(key: string, prefix: string): JobKeyParts | null {
  const { queueKey, id } = splitJobKey(key);
  if (!queueKey) return null;
  if (queueKey.startsWith(`${prefix}:`) && queueKey.length > prefix.length + 1) {
    return { queueKey, queue: queueKey.slice(prefix.length + 1), id };
  }
  const prev = queueKey.lastIndexOf(':');
  if (prev < 0 || prev === queueKey.length - 1) return null;
  return { queueKey, queue: queueKey.slice(prev + 1), id };
}

/**
 * The same, never null: a key that is not `P:Q:id` (bad data, shown with an error) keeps what it
 * has, its queue key standing for the queue name.
 */
export function jobKeyPartsOf(key: string, prefix: string): JobKeyParts {
  const { queueKey, id } = splitJobKey(key);
  return parseJobKey(key, prefix) ?? { queueKey, queue: queueKey, id };
}

/** Distinct queue keys of some job keys, in first-seen order. */
export function queueKeysOf(keys: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const key of keys) {
    const queueKey = queueKeyOf(key);
    if (queueKey) seen.add(queueKey);
  }
  return [...seen];
}

/** The keys of one queue `P:Q` that Flowscope reads (BullMQ's QueueKeys, the ones used here). */
export function queueKeys(queueKey: string) {
  const k = (name: string) => `${queueKey}:${name}`;
  return {
    wait: k('wait'),
    paused: k('paused'),
    active: k('active'),
    delayed: k('delayed'),
    prioritized: k('prioritized'),
    waitingChildren: k('waiting-children'),
    completed: k('completed'),
    failed: k('failed'),
    meta: k('meta'),
    events: k('events'),
    id: k('id'),
    /** BullMQ before 5 only: a queue that has it is of a layout Flowscope does not write to. */
    legacyPriority: k('priority'),
  };
}
export type QueueKeys = ReturnType<typeof queueKeys>;
