// Contract methods about queues: the list answers from the registry's copy (counts refreshed
// by one pipeline when older than a tick), never by scanning the keyspace per call; `rescan`
// asks for a discovery (the sidebar's refresh).
import type { Handlers } from '../dispatch';
import type { QueueRegistry } from './queue-registry';

/** A list older than this is counted again before it is answered. */
export const LIST_MAX_AGE_MS = 1500;

export function queueHandlers(registry: QueueRegistry): Pick<Handlers, 'listQueues'> {
  return {
    listQueues: ({ rescan }) => registry.list({ rescan: rescan === true, maxAgeMs: LIST_MAX_AGE_MS }),
  };
}
