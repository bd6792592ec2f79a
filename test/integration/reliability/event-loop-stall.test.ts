// A host whose own event loop stalls (a big answer being built, a burst of frames) is not a Redis
// that stopped answering: a PING that Redis answered while the loop was busy counts as answered,
// so the status stays connected and no caller is refused with REDIS_UNAVAILABLE.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_INTERVAL_MS, HEALTH_TIMEOUT_MS, openRedisConnection, type RedisConnection } from '../../../electron/core/connection/redis-connection';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
let connection: RedisConnection;

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  connection = openRedisConnection({ url: redis.url });
  await connection.firstAttempt;
});
afterAll(async () => {
  await connection.close();
  await redis.stop();
});

const busy = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // the event loop is held, as by a long synchronous piece of work
  }
};

describe('the health check under an event-loop stall', () => {
  it('a PING answered while the host was busy keeps the status connected', async () => {
    expect(connection.state).toBe('connected');
    const seen: (string | undefined)[] = [];
    const off = connection.onChange(() => seen.push(connection.code));
    // Hold the loop right after the health check's PING went out on its ready connection (every
    // PING of this file is the health check's, on a connection of its own), past the timeout.
    const proto = Redis.prototype as unknown as { ping: (...args: unknown[]) => Promise<unknown> };
    const ping = proto.ping;
    let stalls = 0;
    const stalled = new Promise<void>((resolve) => {
      proto.ping = function (this: Redis, ...args: unknown[]) {
        const reply = ping.apply(this, args);
        if (this.status === 'ready' && stalls++ === 0) {
          busy(HEALTH_TIMEOUT_MS + 500);
          setTimeout(resolve, HEALTH_INTERVAL_MS * 3);
        }
        return reply;
      };
    });
    try {
      await stalled;
    } finally {
      proto.ping = ping;
    }
    off();
    expect(stalls).toBeGreaterThan(1);
    expect(seen).toEqual([]);
    expect(connection.code).toBeUndefined();
    expect(connection.state).toBe('connected');
  });
});
