// One quick PING before a worker is created: a BullMQ Worker on an unreachable Redis retries
// for ever in the background (even after close), so the host checks first and refuses with
// a typed error instead of leaving a retrying client behind.
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis';
import type { RedisOptions } from 'bullmq';

/** Resolves with null when Redis answers PING within `timeoutMs`, else with the reason. */
export async function probeRedis(connection: RedisOptions, timeoutMs: number): Promise<string | null> {
  const { url, ...rest } = connection;
  const options: IORedisOptions = {
    ...(rest as IORedisOptions),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  };
  const client = typeof url === 'string' ? new Redis(url, options) : new Redis(options);
  client.on('error', () => undefined); // reported through the rejected connect()
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    client.disconnect();
  }
}
