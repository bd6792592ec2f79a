// A WebSocket client that stops reading while its flow view changes (issue 13, item 6: a burst
// larger than a client can take ends in a resync, never in a growing backlog or lost updates).
// Past a quarter of the host's output bound its pushes are held back, not queued; once it reads
// again it gets a fresh snapshot of the view, equal to Redis, on the same socket, and patches
// after it. The bound itself still disconnects a client that reads nothing at all
// (host-answer-bounds.test.ts).
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowSnapshot } from '../../../shared/domain';
import { memoryLogger } from '../../../electron/core/log/logger';
import { PUSH_SHARE } from '../../../electron/host/ws-protocol';
import { waitUntil } from '../../helpers/actions-wait';
import { webHostForFile } from '../../helpers/core-per-file';
import { addWideFlow } from '../../helpers/flows';
import { openWsTestClient, type WsTestClient } from '../../helpers/ws-test-client';

// Pushes are held back past 4 MiB; 8 answers in flight (~4.8 MB) pass that and stay under the bound.
const BUFFER_LIMIT = 16 * 1024 * 1024;
const CHILDREN = 40;

const hostLog = memoryLogger();
const { redis, host } = webHostForFile({ host: { log: hostLog, maxBufferedBytes: BUFFER_LIMIT } });
let mediumKey: string;
let queue: Queue;

beforeAll(async () => {
  queue = new Queue('slow-items', { connection: redis.connection, prefix: redis.prefix });
  const medium = await new Queue('slow-pad', { connection: redis.connection, prefix: redis.prefix }).add('medium', { pad: 'm'.repeat(200_000) });
  mediumKey = `${redis.prefix}:slow-pad:${medium.id}`;
  // Its answer is ~600 KB (each field under the 256 KiB cut): 72 of them are far more than a
  // socket's buffers take in on this machine (up to tcp_rmem's 32 MiB for a reader that keeps up).
  await redis.client().hset(mediumKey, 'returnvalue', JSON.stringify('r'.repeat(200_000)), 'stacktrace', JSON.stringify(['s'.repeat(200_000)]));
  await addWideFlow(redis, 'slow-roots', 'slow-items', CHILDREN);
});
afterAll(async () => queue.close());

const logged = (message: string) => hostLog.entries.filter((e) => e.message === message);

describe('a client that stops reading while its view changes', () => {
  let reader: WsTestClient;
  afterAll(() => reader?.ws.terminate());

  it('gets no pushes while behind, then one snapshot equal to Redis and patches after it, on the same socket', async () => {
    reader = await openWsTestClient(host, { maxPayload: 0 });
    const opened = await reader.call('subscribeFlow', { queue: 'slow-roots', jobId: 'root' });
    expect(opened.ok).toBe(true);
    const { subscriptionId, seq: firstSeq } = (opened as { result: FlowSnapshot }).result;

    // It stops reading, and asks for 72 answers of ~600 KB (8 in flight, 64 queued: no BUSY):
    // once the socket's buffers are full, more than a quarter of the bound waits for it.
    reader.ws.pause();
    const answers = Array.from({ length: 72 }, () => reader.call('getJob', { key: mediumKey }, 60_000));
    await waitUntil(() => logged('websocket client is behind: its pushes are held back').length > 0 || undefined, 'the reader to fall behind', 20_000);
    // Meanwhile every child of its view completes.
    const pushesBefore = reader.pushes.length;
    const worker = new Worker('slow-items', async (job) => job.data.i, { connection: redis.connection, prefix: redis.prefix, concurrency: 10 });
    try {
      await waitUntil(async () => ((await queue.getCompletedCount()) === CHILDREN) || undefined, 'the children to complete', 20_000);
    } finally {
      await worker.close();
    }
    const behind = logged('websocket client is behind: its pushes are held back')[0]!;
    expect(Number(behind.fields!.buffered)).toBeGreaterThan(BUFFER_LIMIT * PUSH_SHARE);
    expect(behind.fields).toMatchObject({ limit: BUFFER_LIMIT * PUSH_SHARE });

    // It reads again: every answer comes, then its view as it is now.
    reader.ws.resume();
    for (const answer of await Promise.all(answers)) expect(answer).toMatchObject({ ok: true });
    const caughtUp = await reader.nextPush((p) => p.event === 'flowSnapshot' && p.payload.subscriptionId === subscriptionId);
    expect(caughtUp).not.toBeNull();
    const snapshot = caughtUp!.push.payload as FlowSnapshot;
    expect(snapshot.seq).toBeGreaterThan(firstSeq);
    const children = snapshot.tree.nodes.filter((n) => n.parentKey !== null);
    expect(children).toHaveLength(CHILDREN);
    expect(children.every((n) => n.state === 'completed' && n.bucket === 'processed')).toBe(true);
    // No patch of the changes it missed reached it: the snapshot stands for them.
    const missed = reader.pushes.slice(pushesBefore).filter((p) => p.push.event === 'flowPatch' && p.at < caughtUp!.at);
    expect(missed).toEqual([]);
    expect(logged('websocket client reads again: caught up').at(-1)!.fields).toMatchObject({ views: 1 });

    // Still the same socket, still live: a child added now comes as a patch after the snapshot.
    expect(logged('websocket client does not read: disconnected')).toEqual([]);
    expect(reader.ws.readyState).toBe(reader.ws.OPEN);
    const since = Date.now();
    await queue.add('late', {}, { jobId: 'late', parent: { id: 'root', queue: `${redis.prefix}:slow-roots` } });
    const patch = await reader.nextPush((p) => p.event === 'flowPatch' && p.payload.subscriptionId === subscriptionId, since);
    expect(patch).not.toBeNull();
    expect((patch!.push.payload as { seq: number }).seq).toBeGreaterThan(snapshot.seq);
  });
});
