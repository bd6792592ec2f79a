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
  // Per queue and name of a failed child (nested maps: no key string built per child): the
  // earliest of their failures, and the newest child. A child created at or before that
  // earliest failure supersedes none of them, so a fan-out (all created before any failed)
  // builds no entry beyond the first.
  const groups = new Map<string, Map<string, { since: number; newest: ChildFacts | null }>>();
  for (const f of failed) {
    if (!f.finishedOn) continue;
    let byName = groups.get(f.queueKey);
    if (!byName) groups.set(f.queueKey, (byName = new Map()));
    const group = byName.get(f.name);
    if (!group) byName.set(f.name, { since: f.finishedOn, newest: null });
    else if (f.finishedOn < group.since) group.since = f.finishedOn;
  }
  const out = new Map<string, string>();
  if (groups.size === 0) return out;
  for (const child of allChildren) {
    const group = groups.get(child.queueKey)?.get(child.name);
    if (!group || child.timestamp <= group.since) continue;
    const current = group.newest;
    if (!current || child.timestamp > current.timestamp || (child.timestamp === current.timestamp && child.key > current.key)) {
      group.newest = child;
    }
  }
  for (const f of failed) {
    if (!f.finishedOn) continue;
    const latest = groups.get(f.queueKey)!.get(f.name)!.newest;
    if (latest && latest.key !== f.key && latest.timestamp > f.finishedOn) out.set(f.key, latest.key);
  }
  return out;
}
