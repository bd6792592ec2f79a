// Where hosted workers connect: a Redis URL or ioredis options, turned into what BullMQ's
// Worker, Queue and FlowProducer accept. Each BullMQ object then opens (and closes) its own
// connections, so closing a worker never pulls a shared client from under another.
import type { RedisOptions } from 'bullmq';
import { FlowscopeError } from '../../../shared/errors';

/** A Redis URL (redis://, rediss://) or ioredis options (host, port, db, password, tls, …). */
export type WorkerConnection = string | RedisOptions;

export function toBullmqConnection(connection: WorkerConnection): RedisOptions {
  if (typeof connection !== 'string') return { ...connection };
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new FlowscopeError('BAD_REQUEST', 'The worker connection is not a valid Redis URL.');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new FlowscopeError('BAD_REQUEST', `A worker connection URL must start with redis:// or rediss://, not ${url.protocol}//.`);
  }
  // BullMQ hands `url` to ioredis itself (RedisConnection.init), TLS and credentials included.
  return { url: connection };
}
