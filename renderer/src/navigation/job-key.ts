// Splits a full job key `P:Q:id` into queue and id, given the connection's prefix. BullMQ
// forbids ':' in custom job ids but older queues may have ':' in their names, so the id is
// what follows the last ':' and the queue is what lies between the prefix and it.
export function jobKeyParts(key: string, prefix: string): { queue: string; id: string } | null {
  const rest = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : null;
  const last = key.lastIndexOf(':');
  if (rest !== null) {
    const cut = rest.lastIndexOf(':');
    if (cut <= 0 || cut === rest.length - 1) return null;
    return { queue: rest.slice(0, cut), id: rest.slice(cut + 1) };
  }
  // Another prefix: the queue is the segment before the id.
  const prev = key.lastIndexOf(':', last - 1);
  if (prev < 0 || last === key.length - 1) return null;
  return { queue: key.slice(prev + 1, last), id: key.slice(last + 1) };
}

/** A long id (a UUID) shortened for a node card; the full key stays in the inspector. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
