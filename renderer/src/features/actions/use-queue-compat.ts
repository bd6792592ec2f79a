// The core's compatibility verdict for a job's queue, from the queue list (null while unknown).
import type { QueueCompat } from '../../../../shared/domain';
import { useQueuesQuery } from '../../store/server-data';

export function useQueueCompat(queue: string | undefined): QueueCompat | null {
  return useQueuesQuery((queues) => queues.find((q) => q.name === queue)?.compat ?? null).data ?? null;
}
