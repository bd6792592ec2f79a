// Full job keys `P:Q:id` split the way BullMQ's own Lua does it (destructureJobKey.lua): the id
// is what follows the last ':' (BullMQ refuses ids with ':'), the queue key `P:Q` what precedes
// it. Every state set of a job hangs off its queue key, so this is all an action needs.
import { FlowscopeError } from '../../../shared/errors';

export interface JobKeyParts {
  /** `P:Q`, e.g. `bull:emails`. */
  queueKey: string;
  id: string;
}

export function splitJobKey(key: string): JobKeyParts {
  const last = key.lastIndexOf(':');
  if (last <= 0 || last === key.length - 1) return { queueKey: '', id: key };
  return { queueKey: key.slice(0, last), id: key.slice(last + 1) };
}

/** Distinct queue keys of some job keys, in first-seen order. */
export function queueKeysOf(keys: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const key of keys) {
    const { queueKey } = splitJobKey(key);
    if (queueKey) seen.add(queueKey);
  }
  return [...seen];
}

/** An action only starts from a job of the connection's prefix: `P:Q:id` with a queue and an id. */
export function assertJobKey(prefix: string, key: string): void {
  const { queueKey } = splitJobKey(key);
  if (!key.startsWith(`${prefix}:`) || queueKey.length <= prefix.length + 1) {
    throw new FlowscopeError('BAD_REQUEST', `${key} is not a job key under the prefix "${prefix}" (expected ${prefix}:<queue>:<id>).`, {
      key,
    });
  }
}
