// Checks made before Remove unprocessed touches a parent whose keys BullMQ would never have
// written that way (docs/RELIABILITY.md): a `:dependencies` that is not a set (the action's
// reads would fail with WRONGTYPE, an INTERNAL error that says nothing useful), and a parent
// chain that loops (A→C→B→A: A's unprocessed subtree leads back to A, so removing it would
// delete A itself or one of its ancestors), and a subtree that leads back to the parent or an
// ancestor through a bucket alone (C lists A without a parentKey loop), seen in the preview.
// All are REFUSED with what is wrong, before any write.
import { FlowscopeError } from '../../../shared/errors';
import type { RedisClient } from '../connection/redis-client';
import { RoundTrips } from '../lua/round-trips';
import { ancestorsCall, parseAncestors } from '../tree/ancestors';

/** Checks the parent's own keys; returns the keys no removal under it may touch (it and its ancestors). */
export async function assertRemovableParent(redis: RedisClient, parentKey: string): Promise<Set<string>> {
  const depsKey = `${parentKey}:dependencies`;
  const [type, [chain]] = await Promise.all([redis.type(depsKey), new RoundTrips(redis).run([ancestorsCall(parentKey)])]);
  if (type !== 'set' && type !== 'none') {
    throw new FlowscopeError(
      'REFUSED',
      `${depsKey} is a ${type}, not the set BullMQ keeps a parent's unprocessed children in: Flowscope will not change ${parentKey} until that key is fixed or deleted`,
      { key: depsKey, type, expected: 'set' },
    );
  }
  const ancestry = parseAncestors(parentKey, chain);
  if (ancestry.problem?.startsWith('cycle')) {
    // Parents nearest first, as the chain was walked.
    const cycle = [...ancestry.keys].reverse();
    throw new FlowscopeError(
      'REFUSED',
      `${parentKey} is in a parent-key cycle (by parentKey: ${[parentKey, ...cycle, parentKey].join(' → ')}): removing its unprocessed children could delete it or one of its ancestors, so nothing is removed`,
      { key: parentKey, cycle },
    );
  }
  return new Set([parentKey, ...ancestry.keys]);
}

/** Refuses a plan (the preview) that would remove the parent or one of its ancestors. */
export function assertSparesAncestors(parentKey: string, protectedKeys: Set<string>, plan: { removed: string[] }): void {
  const hit = plan.removed.filter((key) => protectedKeys.has(key));
  if (hit.length === 0) return;
  throw new FlowscopeError(
    'REFUSED',
    `Removing the unprocessed children of ${parentKey} would remove ${hit.join(', ')} (${hit.includes(parentKey) ? 'the parent itself' : 'an ancestor'}): a bucket under it lists ${hit.length === 1 ? 'that job' : 'those jobs'} back, a cycle BullMQ never writes, so nothing is removed`,
    { key: parentKey, leadsBackTo: hit },
  );
}
