// Superseded failures (docs/SPEC.md §6): seed-style orchestrators re-spawn a failed child themselves on
// their own retries, so a parent can hold several failed children for the same piece of work.
// Retrying all of them would pay several times for one result. A failed child is superseded
// when the same parent has a child of the same queue and name created after it had failed;
// the newest such child is the one that counts. "Created after it failed" (not merely later)
// keeps the children of an ordinary fan-out, all created before any of them failed, from
// superseding each other.

export interface ChildFacts {
  key: string;
  queueKey: string;
  name: string;
  /** Creation time (the job hash's `timestamp`). */
  timestamp: number;
  /** When it failed for good (`finishedOn`); 0 when unknown. */
  finishedOn: number;
}

/** Failed child key -> the newest child of the same queue and name created after it failed. */
export function findSuperseded(failed: readonly ChildFacts[], allChildren: readonly ChildFacts[]): Map<string, string> {
  // queue -> name -> newest child (nested maps: no key string built per child)
  const newest = new Map<string, Map<string, ChildFacts>>();
  for (const child of allChildren) {
    let byName = newest.get(child.queueKey);
    if (!byName) newest.set(child.queueKey, (byName = new Map()));
    const current = byName.get(child.name);
    if (!current || child.timestamp > current.timestamp || (child.timestamp === current.timestamp && child.key > current.key)) {
      byName.set(child.name, child);
    }
  }
  const out = new Map<string, string>();
  for (const f of failed) {
    if (!f.finishedOn) continue;
    const latest = newest.get(f.queueKey)?.get(f.name);
    if (latest && latest.key !== f.key && latest.timestamp > f.finishedOn) out.set(f.key, latest.key);
  }
  return out;
}
