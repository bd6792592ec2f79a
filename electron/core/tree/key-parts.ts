// Splits a full job key `P:Q:id` into queue and id. Job ids never contain ':' (BullMQ refuses
// custom ids with one), so the id is what follows the last ':' and the queue key `P:Q` is what
// precedes it. Queue names may contain ':' (older BullMQ, or a queue opened with a prefix such
// as `P:billing`), so the queue name is the queue key minus the connection's prefix when the key
// starts with it; a key under another prefix falls back to BullMQ's own parseNodeKey rule (the
// segment between the last two ':').

export interface JobKeyParts {
  /** `P:Q`, the key every state list/set of the job's queue hangs off. */
  queueKey: string;
  queue: string;
  id: string;
}

export function jobKey(prefix: string, queue: string, id: string): string {
  return `${prefix}:${queue}:${id}`;
}

export function jobKeyParts(prefix: string, key: string): JobKeyParts {
  const last = key.lastIndexOf(':');
  if (last < 0) return { queueKey: '', queue: '', id: key };
  const queueKey = key.slice(0, last);
  const id = key.slice(last + 1);
  if (queueKey.startsWith(`${prefix}:`) && queueKey.length > prefix.length + 1) {
    return { queueKey, queue: queueKey.slice(prefix.length + 1), id };
  }
  const prev = queueKey.lastIndexOf(':');
  return { queueKey, queue: prev < 0 ? queueKey : queueKey.slice(prev + 1), id };
}
