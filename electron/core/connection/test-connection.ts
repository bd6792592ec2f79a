// "Test connection": connects once with a short timeout, pings, reads the Redis version and
// counts the BullMQ queues under the prefix. Never throws: the answer says what went wrong.
import { Redis } from 'ioredis';
import type { ConnectionTest } from '../../../shared/domain';
import { discoverQueueNames } from '../queues/discover-queues';

export async function testConnection(url: string, prefix: string): Promise<ConnectionTest> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis reports the cause (ECONNREFUSED, auth, TLS) on 'error'; the rejected call only says "closed".
  let cause: string | undefined;
  redis.on('error', (err: Error) => (cause = err.message));
  try {
    await redis.connect();
    await redis.ping();
    const info = await redis.info('server');
    const redisVersion = info.match(/redis_version:([^\r\n]+)/)?.[1];
    const queues = (await discoverQueueNames(redis, prefix)).length;
    return { ok: true, message: `Connected: Redis ${redisVersion ?? '?'}, ${queues} queue(s) under prefix ${prefix}`, redisVersion, queues };
  } catch (err) {
    return { ok: false, message: `Cannot connect: ${cause ?? (err as Error).message}` };
  } finally {
    redis.disconnect();
  }
}
