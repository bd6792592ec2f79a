// The live stream reader against a real Redis: one blocking connection for many streams,
// streams added while it blocks, and gaps reported when a stream was trimmed under it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createStreamReader, lastStreamId, type StreamEntry } from '../../../electron/core/live/stream-reader';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
let client: Redis;
beforeAll(() => {
  client = redis.client();
});

/** Collects what the reader delivers; `until` resolves once the predicate holds. */
function collector() {
  const entries: StreamEntry[] = [];
  const gaps: { streams: string[]; why: string }[] = [];
  let check: (() => void) | undefined;
  return {
    entries,
    gaps,
    handlers: {
      onEntries: (batch: StreamEntry[]) => {
        entries.push(...batch);
        check?.();
      },
      onGap: (streams: string[], why: string) => {
        gaps.push({ streams, why });
        check?.();
      },
    },
    until(predicate: () => boolean): Promise<void> {
      return new Promise((resolve) => {
        check = () => predicate() && resolve();
        check();
      });
    },
  };
}

describe('stream reader', () => {
  it('reads several streams over one blocking connection, from the given position on', async () => {
    const a = `${redis.prefix}:a:events`;
    const b = `${redis.prefix}:b:events`;
    await client.xadd(a, '*', 'event', 'old');
    const from = await lastStreamId(client, a);
    const c = collector();
    const reader = createStreamReader(client, c.handlers);
    reader.add(a, from);
    reader.add(b, '0-0');
    await client.xadd(a, '*', 'event', 'completed', 'jobId', '1');
    await client.xadd(b, '*', 'event', 'failed', 'jobId', '2');
    await c.until(() => c.entries.length >= 2);
    expect(c.entries.map((e) => [e.stream, e.fields.event, e.fields.jobId])).toEqual(
      expect.arrayContaining([
        [a, 'completed', '1'],
        [b, 'failed', '2'],
      ]),
    );
    expect(c.entries.some((e) => e.fields.event === 'old')).toBe(false);

    const clients = (await client.client('LIST')) as string;
    expect(clients.split('\n').filter((line) => / cmd=xread/.test(line))).toHaveLength(1);
    await reader.close();
  });

  it('wakes its blocked read when a stream is added', async () => {
    const first = `${redis.prefix}:first:events`;
    const later = `${redis.prefix}:later:events`;
    const c = collector();
    const reader = createStreamReader(client, c.handlers);
    reader.add(first, '0-0');
    // Wait until the reader is blocked in XREAD on the first stream only.
    await new Promise<void>((resolve) => {
      const poll = async () => ((await client.client('LIST')) as string).includes('cmd=xread') ? resolve() : setImmediate(poll);
      void poll();
    });
    reader.add(later, '0-0');
    await client.xadd(later, '*', 'event', 'waiting', 'jobId', '7');
    await c.until(() => c.entries.some((e) => e.stream === later));
    expect(c.entries.find((e) => e.stream === later)?.fields).toEqual({ event: 'waiting', jobId: '7' });
    expect(reader.streams().sort()).toEqual([first, later].sort());
    await reader.close();
  });

  it('reports a gap when entries after its position were trimmed', async () => {
    const s = `${redis.prefix}:trim:events`;
    await client.xadd(s, '*', 'event', 'seen');
    const from = await lastStreamId(client, s);
    for (let i = 0; i < 50; i++) await client.xadd(s, 'MAXLEN', '10', '*', 'event', 'added', 'jobId', String(i));
    const c = collector();
    const reader = createStreamReader(client, c.handlers);
    reader.add(s, from);
    await c.until(() => c.gaps.length > 0);
    expect(c.gaps[0]).toEqual({ streams: [s], why: 'trimmed' });
    await reader.close();
  });

  it('reports no gap when nothing after its position was trimmed', async () => {
    const s = `${redis.prefix}:notrim:events`;
    for (let i = 0; i < 20; i++) await client.xadd(s, 'MAXLEN', '10', '*', 'event', 'old');
    const from = await lastStreamId(client, s);
    const c = collector();
    const reader = createStreamReader(client, c.handlers);
    reader.add(s, from);
    await client.xadd(s, 'MAXLEN', '10', '*', 'event', 'fresh');
    await c.until(() => c.entries.length === 1);
    expect(c.gaps).toEqual([]);
    await reader.close();
  });
});
