// A host busy reading big replies is not a Redis that stopped answering. Redis sits behind a
// TCP proxy of this test that passes its replies on at 3 MiB/s per connection (a slow link):
// four reads of a 2 MiB job field (each reads the whole field: 8 MiB of replies) take seconds
// to arrive on the command connection, while Redis answers a PING at once. The health check's
// PING goes on its own connection, so no NOT_RESPONDING is pushed and every read completes
// (before, the PING waited behind the 8 MiB and the reads were refused with REDIS_UNAVAILABLE).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../shared/domain';
import { MAX_FIELD_CHUNK_BYTES } from '../../../shared/answer-limits';
import { createCore, type Core } from '../../../electron/core/create-core';
import { HEALTH_TIMEOUT_MS } from '../../../electron/core/connection/redis-connection';
import { memoryLogger } from '../../../electron/core/log/logger';
import { startTestRedis, type TestRedis } from '../../helpers/redis';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy';

const RATE = 3 * 1024 * 1024;
const READS = 4;

let redis: TestRedis;
let proxy: TcpProxy;
let core: Core;
let dataDir: string;
let key: string;

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  proxy = await startTcpProxy(redis.connection, { bytesPerSecond: RATE });
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-hol-'));
  const queue = new Queue('big', { connection: redis.connection, prefix: redis.prefix });
  const job = await queue.add('big', { blob: 'x'.repeat(2 * MAX_FIELD_CHUNK_BYTES) });
  await queue.close();
  key = `${redis.prefix}:big:${job.id}`;
  core = await createCore({ shell: 'web', dataDir, redisUrl: proxy.url, prefix: redis.prefix, log: memoryLogger() });
  await core.ready;
});

afterAll(async () => {
  await core?.close();
  await proxy?.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
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
