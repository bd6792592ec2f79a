// Where hosted workers connect: connection settings (a Redis URL in any of the forms of
// shared/redis-url.ts, with its TLS CA file and Sentinel password) or ioredis options, turned
// into what BullMQ's Worker, Queue and FlowProducer accept. Each BullMQ object then opens (and
// closes) its own connections, so closing a worker never pulls a shared client from under
// another. BullMQ opens a plain ioredis client from options, which a cluster cannot use, so
// hosted workers are refused there (the reads and repairs work on a cluster).
import type { RedisOptions } from 'bullmq';
import { FlowscopeError } from '../../../shared/errors';
import type { ConnectionSettings } from '../../../shared/redis-url';
import { planClient } from '../connection/client-options';

/** A Redis URL, connection settings, or ioredis options (host, port, db, password, tls, …). */
export type WorkerConnection = string | ConnectionSettings | RedisOptions;

const isSettings = (c: ConnectionSettings | RedisOptions): c is ConnectionSettings => typeof (c as ConnectionSettings).url === 'string' && !('host' in c);

export function toBullmqConnection(connection: WorkerConnection): RedisOptions {
  if (typeof connection !== 'string' && !isSettings(connection)) return { ...connection };
  const plan = planClient(typeof connection === 'string' ? { url: connection } : connection);
  if (plan.kind === 'cluster' || plan.endpoint.topology === 'cluster') {
    throw new FlowscopeError('REFUSED', 'Hosted workers and scenarios need a standalone or Sentinel Redis, not a cluster: run scenarios on the sandbox.');
  }
  // ioredis options as BullMQ declares them (it passes them to ioredis unchanged).
  return plan.options as RedisOptions;
}
