// The core's compatibility verdict for a job's queue, from the queue list (null while unknown).
import type { QueueCompat } from '../../../../shared/domain';
import { useApp } from '../../store/use-app';

export function useQueueCompat(queue: string | undefined): QueueCompat | null {
  return useApp((s) => s.queues?.find((q) => q.name === queue)?.compat ?? null);
}
