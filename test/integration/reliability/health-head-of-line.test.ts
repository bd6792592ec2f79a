// A host busy reading big replies is not a Redis that stopped answering. Redis sits behind a
// TCP proxy of this test that passes its replies on at 3 MiB/s per connection (a slow link):
// four reads of a 2 MiB job field (each reads the whole field: 8 MiB of replies) take seconds
// to arrive on the command connection, while Redis answers a PING at once. The health check's
// PING goes on its own connection, so no NOT_RESPONDING is pushed and every read completes
// (before, the PING waited behind the 8 MiB and the reads were refused with REDIS_UNAVAILABLE).
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../shared/domain';
import { MAX_FIELD_CHUNK_BYTES } from '../../../shared/answer-limits';
import { HEALTH_TIMEOUT_MS } from '../../../electron/core/connection/redis-connection';
import { coreForFile } from '../../helpers/core-per-file';
import { startTcpProxy } from '../../helpers/tcp-proxy';

const RATE = 3 * 1024 * 1024;
const READS = 4;

let key: string;

const { core, via: proxy } = coreForFile({
  redis: { own: true },
  via: (redis) => startTcpProxy(redis.connection, { bytesPerSecond: RATE }),
  before: async ({ redis }) => {
    const queue = new Queue('big', { connection: redis.connection, prefix: redis.prefix });
    const job = await queue.add('big', { blob: 'x'.repeat(2 * MAX_FIELD_CHUNK_BYTES) });
    await queue.close();
    key = `${redis.prefix}:big:${job.id}`;
  },
});

describe('the health check while the command connection reads megabytes', () => {
  it('four pipelined reads of a 2 MiB field over a 3 MiB/s link: no NOT_RESPONDING pushed, every read answered', async () => {
    expect(core.status().state).toBe('connected');
    const statuses: ConnectionStatus[] = [];
    const off = core.onEvent((e) => {
      if (e.event === 'connectionStatus') statuses.push(e.payload);
    });
    const start = Date.now();
    const reads = Array.from({ length: READS }, (_, i) =>
      core.dispatch('getJobField', { key, field: 'data', offset: (i % 2) * MAX_FIELD_CHUNK_BYTES, length: MAX_FIELD_CHUNK_BYTES }),
    );
    // Meanwhile Redis answers a PING promptly, even over the same slow link.
    const prober = new Redis(proxy.url, { maxRetriesPerRequest: 0 });
    await prober.ping();
    const pingStart = Date.now();
    await prober.ping();
    const pingMs = Date.now() - pingStart;
    prober.disconnect();
    const results = await Promise.all(reads);
    const elapsed = Date.now() - start;
    off();

    // The reads really kept the command connection busy past the PING timeout, twice over.
    expect(elapsed).toBeGreaterThan(2 * HEALTH_TIMEOUT_MS);
    expect(pingMs).toBeLessThan(HEALTH_TIMEOUT_MS / 2);
    for (const result of results) expect(result).toMatchObject({ ok: true, result: { text: expect.stringMatching(/^.{1000}/) } });
    expect(statuses.filter((s) => s.code === 'NOT_RESPONDING')).toEqual([]);
    expect(core.status()).toMatchObject({ state: 'connected' });
  });
});
