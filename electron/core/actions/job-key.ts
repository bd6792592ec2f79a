// Where an action starts: a job key of the connection's prefix (shared/job-keys.ts names keys).
import { FlowscopeError } from '../../../shared/errors';
import { splitJobKey } from '../../../shared/job-keys';

/** An action only starts from a job of the connection's prefix: `P:Q:id` with a queue and an id. */
export function assertJobKey(prefix: string, key: string): void {
  const { queueKey } = splitJobKey(key);
  if (!key.startsWith(`${prefix}:`) || queueKey.length <= prefix.length + 1) {
    throw new FlowscopeError('BAD_REQUEST', `${key} is not a job key under the prefix "${prefix}" (expected ${prefix}:<queue>:<id>).`, {
      key,
    });
  }
}
