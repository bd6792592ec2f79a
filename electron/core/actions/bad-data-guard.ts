// Checks made before Remove unprocessed touches a parent whose keys BullMQ would never have
// written that way (docs/RELIABILITY.md): a `:dependencies` that is not a set (the action's
// reads would fail with WRONGTYPE, an INTERNAL error that says nothing useful), and a parent
// chain that loops (A→C→B→A: A's unprocessed subtree leads back to A, so removing it would
// delete A itself or one of its ancestors). Both are REFUSED with what is wrong, before any
// write; one round trip. A subtree that leads back through a bucket alone (C lists A, no
// parentKey loop) is not refused: remove-unprocessed.lua never walks into the parent or an
// ancestor, so only C goes, as the preview says.
import { FlowscopeError } from '../../../shared/errors';
import { bucketKey } from '../../../shared/buckets';
import type { RedisClient } from '../connection/redis-client';
import { RoundTrips } from '../lua/round-trips';
import { ancestorsCall, parseAncestors } from '../tree/ancestors';

/** Refuses a parent whose own keys say the action cannot be run safely. */
export async function assertRemovableParent(redis: RedisClient, parentKey: string): Promise<void> {
  const depsKey = bucketKey(parentKey, 'unprocessed');
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
}
