// A parent that waits for its children must hand BullMQ its lock token; a processor called
// without one (not by a worker) cannot, and says so instead of failing obscurely.
import { UnrecoverableError } from 'bullmq';

export function requireToken(token: string | undefined): string {
  if (!token) throw new UnrecoverableError('this processor must run in a worker (it needs the job lock token)');
  return token;
}
