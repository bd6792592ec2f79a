// What to say when a job asked for by queue and id is not there: that the queue itself does not
// exist under the prefix (a typo in the queue name, or the wrong --prefix) is the likelier
// mistake, and "No job 1 in queue X" hides it.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';

/** Keys BullMQ writes for every queue it has used: one of them exists while the queue has anything. */
const QUEUE_KEYS = ['meta', 'id', 'events', 'wait', 'paused', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'];

/**
 * True when anything of queue `queue` exists under `prefix`. One EXISTS per key, written back to
 * back (one round trip; per key, so a cluster routes each to its slot).
 */
export async function queueExists(redis: RedisClient, prefix: string, queue: string): Promise<boolean> {
  const found = await Promise.all(QUEUE_KEYS.map((suffix) => redis.exists(`${prefix}:${queue}:${suffix}`)));
  return found.some((n) => n > 0);
}

/** The NOT_FOUND error for a job that is missing, naming the queue when that is what is missing. */
export async function missingJobError(redis: RedisClient, prefix: string, queue: string, jobId: string): Promise<FlowscopeError> {
  if (!(await queueExists(redis, prefix, queue))) {
    return new FlowscopeError('NOT_FOUND', `No queue ${queue} under prefix ${prefix} (so no job ${jobId} in it)`, { queue, jobId, queueExists: false });
  }
  return new FlowscopeError('NOT_FOUND', `No job ${jobId} in queue ${queue} (prefix ${prefix})`, { queue, jobId, queueExists: true });
}
