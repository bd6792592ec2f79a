// Bounded by what is in view (issue 12, item 4): one answer and one client's share of the
// host's memory have a ceiling. A job with a 20 MB return value is answered cut (256 KiB shown,
// `cut` says so, getJobField reads the rest in chunks that put the value back together byte for
// byte, multi-byte characters included); long log lines are cut; and a WebSocket client that
// never reads its socket is disconnected once its unread output passes the host's limit, while
// another client is served.
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FlowTree, JobDetail } from '../../../shared/domain';
import {
  LOG_LINE_CUT_MARK,
  MAX_FIELD_CHUNK_BYTES,
  MAX_JOB_FIELD_BYTES,
  MAX_LOG_LINE_BYTES,
  MAX_NODE_TEXT_BYTES,
  TEXT_CUT_MARK,
  type JobFieldChunk,
} from '../../../shared/answer-limits';
import { memoryLogger } from '../../../electron/core/log/logger';
import { MAX_WEBSOCKET_CLIENTS } from '../../../electron/host/upgrade-gate';
import { waitUntil } from '../../helpers/actions-wait';
import { webHostForFile } from '../../helpers/core-per-file';
import { openNonReadingWsClient, openWsTestClient } from '../../helpers/ws-test-client';

const BUFFER_LIMIT = 1024 * 1024;

const hostLog = memoryLogger();
const closedSessions: string[] = [];
// The host's end of each client session is recorded.
const { redis, host } = webHostForFile({
  hosted: (core) => ({ ...core, closeSession: (s) => (closedSessions.push(s), core.closeSession(s)) }),
  host: { log: hostLog, maxBufferedBytes: BUFFER_LIMIT },
});
let client: Redis;
let bigKey: string;
let mediumKey: string;
let bigValue: string;
let flowRoot: string;
let childKey: string;
const longReason = `Request failed: ${'é'.repeat(500_000)}`;

beforeAll(async () => {
  client = redis.client();
  const queue = new Queue('bounds', { connection: redis.connection, prefix: redis.prefix });
  const big = await queue.add('big', { small: true });
  const medium = await queue.add('medium', { pad: 'm'.repeat(200_000) });
  await queue.close();
  bigKey = `${redis.prefix}:bounds:${big.id}`;
  mediumKey = `${redis.prefix}:bounds:${medium.id}`;
  // A 20 MB return value of multi-byte text (a cut must not split a character), and a long log line.
  bigValue = JSON.stringify({ text: 'ab€ü'.repeat(20 * 1024 * 1024 / 8) });
  await client.hset(bigKey, 'returnvalue', bigValue);
  await client.rpush(`${bigKey}:logs`, 'short line', 'L'.repeat(100_000));
  // A flow whose child failed with a 1 MB reason and has a 100 KB name (as BullMQ stores them).
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  const flow = await flows.add({ name: 'root', queueName: 'bounds', children: [{ name: 'n'.repeat(100_000), queueName: 'bounds' }] });
  await flows.close();
  flowRoot = flow.job.id!;
  childKey = `${redis.prefix}:bounds:${flow.children![0]!.job.id}`;
  await client.hset(childKey, 'failedReason', longReason);
}, 60_000);

const openClient = () => openWsTestClient(host, { maxPayload: 0 });

describe('answer sizes', () => {
  it('a job with a 20 MB return value: answered cut at 256 KiB with `cut`, read back whole with getJobField; long log lines cut', async () => {
    const tab = await openClient();
    const { call } = tab;
    try {
      const answer = await call('getJob', { key: bigKey });
      expect(answer.ok).toBe(true);
      expect(answer.bytes).toBeLessThan(MAX_JOB_FIELD_BYTES * 2);
      const job = (answer as { result: JobDetail }).result;
      const size = Buffer.byteLength(bigValue);
      expect(job.cut).toEqual([{ field: 'returnvalue', size, shown: expect.any(Number) }]);
      const shown = job.cut![0]!.shown;
      expect(shown).toBeLessThanOrEqual(MAX_JOB_FIELD_BYTES);
      expect(shown).toBeGreaterThan(MAX_JOB_FIELD_BYTES - 4);
      expect(typeof job.returnValue).toBe('string');
      expect(bigValue.startsWith(job.returnValue as string)).toBe(true);
      expect(job.data).toEqual({ small: true });
      expect(job.logs.total).toBe(2);
      expect(job.logs.lines[0]).toBe('short line');
      expect(job.logs.lines[1]).toBe(`${'L'.repeat(MAX_LOG_LINE_BYTES)}${LOG_LINE_CUT_MARK}`);

      // The rest, chunk by chunk from where the answer stopped: byte for byte the stored value.
      const parts = [job.returnValue as string];
      let offset: number | null = shown;
      while (offset !== null) {
        const chunk = await call('getJobField', { key: bigKey, field: 'returnvalue', offset });
        expect(chunk.ok).toBe(true);
        const c = (chunk as { result: JobFieldChunk }).result;
        expect(Buffer.byteLength(c.text)).toBeLessThanOrEqual(MAX_FIELD_CHUNK_BYTES);
        expect(c.size).toBe(size);
        parts.push(c.text);
        offset = c.next;
      }
      expect(parts.join('')).toBe(bigValue);

      // A bad chunk request changes nothing and says why.
      expect(await call('getJobField', { key: bigKey, field: 'returnvalue', offset: -1 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect(await call('getJobField', { key: bigKey, field: 'data', offset: 0, length: MAX_FIELD_CHUNK_BYTES + 1 })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
      // No script took 50 ms or more doing it.
      const slow = (await client.call('SLOWLOG', 'GET', '128')) as [number, number, number, string[]][];
      const slowScripts = slow.filter((e) => e[2] >= 50_000 && /^(EVAL|EVALSHA)/i.test(String(e[3]?.[0])));
      expect(slowScripts).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});

describe('node texts', () => {
  it("a tree's node carries at most 4 KiB of a job's name and failedReason (cut, marked); getJobField reads them whole", async () => {
    const tab = await openClient();
    const { call } = tab;
    try {
      const answer = await call('getFlowTree', { queue: 'bounds', jobId: flowRoot });
      expect(answer.ok).toBe(true);
      expect(answer.bytes).toBeLessThan(4 * MAX_NODE_TEXT_BYTES);
      const child = (answer as { result: FlowTree }).result.nodes.find((n) => n.key === childKey)!;
      for (const text of [child.failedReason!, child.name!]) {
        expect(text.endsWith(TEXT_CUT_MARK)).toBe(true);
        expect(Buffer.byteLength(text.slice(0, -TEXT_CUT_MARK.length))).toBeLessThanOrEqual(MAX_NODE_TEXT_BYTES);
        expect(text).not.toContain('\uFFFD'); // cut between characters, not inside one
      }
      expect(longReason.startsWith(child.failedReason!.slice(0, -TEXT_CUT_MARK.length))).toBe(true);
      const whole = await call('getJobField', { key: childKey, field: 'failedReason', offset: 0 });
      expect(whole).toMatchObject({ ok: true, result: { text: longReason, next: null, size: Buffer.byteLength(longReason) } });
    } finally {
      await tab.close();
    }
  });
});

describe("a client's share of the host", () => {
  it('a client that never reads is disconnected once 1 MiB waits for it; another client is answered meanwhile', async () => {
    const other = await openClient();
    const before = new Set(closedSessions);
    const slow = await openNonReadingWsClient(host);
    expect(slow.socket.listenerCount('data')).toBe(0); // from here on the client reads nothing
    try {
      // 300 frames asking for a 200 KB job: far more than the socket's buffers hold.
      for (let id = 1; id <= 300; id++) slow.send({ id, method: 'getJob', args: { key: mediumKey } });

      await waitUntil(() => hostLog.entries.find((e) => e.message === 'websocket client does not read: disconnected'), 'the slow client to be disconnected', 20_000);
      const entry = hostLog.entries.find((e) => e.message === 'websocket client does not read: disconnected')!;
      expect(entry.fields).toMatchObject({ limit: BUFFER_LIMIT });
      expect(Number(entry.fields!.buffered)).toBeGreaterThan(BUFFER_LIMIT);
      // Its session (and so its live views) ended with it.
      await waitUntil(() => closedSessions.some((s) => !before.has(s)), 'the slow client session to close');

      const started = Date.now();
      const listed = await other.call('listQueues', {});
      expect(listed.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      slow.close();
      await other.close();
    }
  });
});

describe('clients at once', () => {
  it(`a WebSocket client past ${MAX_WEBSOCKET_CLIENTS} is refused with 503 BUSY until one closes`, async () => {
    const clients = await Promise.all(Array.from({ length: MAX_WEBSOCKET_CLIENTS }, () => openClient()));
    try {
      await expect(openWsTestClient(host)).rejects.toMatchObject({ status: 503 });
      await clients[0]!.close();
      await waitUntil(async () => {
        clients.push(await openWsTestClient(host));
        return true;
      }, 'a place to free up');
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
