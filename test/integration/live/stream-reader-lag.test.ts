// The stream reader's lag bound: with maxLagMs set (the live views) a reader that falls further
// behind a stream's newest entry skips to it and reports a 'behind' gap; without it (the queue
// watches) every entry is read, however far behind.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createStreamReader, type StreamEntry } from '../../../electron/core/live/stream-reader';
import { waitUntil } from '../../helpers/flows';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
let client: Redis;
beforeAll(() => {
  client = redis.client();
});

/** 3,000 entries one ms of stream time apart (3 s), written at once after a first one; returns that one's id. */
async function backlog(stream: string): Promise<string> {
  const multi = client.multi();
  multi.xadd(stream, '999-0', 'event', 'added', 'jobId', 'before');
  for (let i = 0; i < 3000; i++) multi.xadd(stream, `${1000 + i}-1`, 'event', 'progress', 'jobId', String(i));
  await multi.exec();
  return '999-0';
}

describe('stream reader lag bound', () => {
  it('skips to the newest entry with a behind gap once it lags by more than maxLagMs', async () => {
    const stream = `${redis.prefix}:lag:events`;
    const from = await backlog(stream);
    const entries: StreamEntry[] = [];
    const gaps: { streams: string[]; why: string }[] = [];
    const reader = createStreamReader(client, { onEntries: (e) => entries.push(...e), onGap: (streams, why) => gaps.push({ streams, why }) }, { maxLagMs: 1000, count: 500 });
    reader.add(stream, from);
    await waitUntil(async () => gaps.length > 0);
    expect(gaps[0]).toEqual({ streams: [stream], why: 'behind' });
    await client.xadd(stream, '*', 'event', 'completed', 'jobId', 'after');
    await waitUntil(async () => entries.some((e) => e.fields.jobId === 'after'));
    // Only the first read's 500 entries and the new one: the backlog between was skipped.
    expect(entries).toHaveLength(501);
    await reader.close();
  });

  it('reads every entry without a lag bound', async () => {
    const stream = `${redis.prefix}:nolag:events`;
    const from = await backlog(stream);
    const entries: StreamEntry[] = [];
    const gaps: string[] = [];
    const reader = createStreamReader(client, { onEntries: (e) => entries.push(...e), onGap: (_s, why) => gaps.push(why) }, { count: 500 });
    reader.add(stream, from);
    await waitUntil(async () => entries.length >= 3000);
    expect(entries.map((e) => e.fields.jobId)).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
    expect(gaps).toEqual([]);
    await reader.close();
  });
});
