// A resync a client asks for (resyncFlow: the renderer on a gap, the web host catching up a slow
// reader) while the flow keeps changing. Redis sits behind a slow link (256 KiB/s per
// connection), so the view's load reads its second level at once but takes a second or more
// to receive it. A child read in that level changes right after (MONITOR shows the read) and
// its event comes while the load still runs. The change must not be lost: the re-read it
// causes waits for the load and comes after the resync's snapshot as a patch. Before, the
// re-read ran beside the load, applied to the view first, and the load then put back the older
// value it had read: the view kept the old name with nothing more to come.
import { FlowProducer } from 'bullmq';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { FlowPatch, FlowSnapshot } from '../../../shared/domain';
import { patchTree } from '../../../shared/flow-model';
import { LOAD_LEVEL } from '../../../electron/core/tree/load-level';
import { waitUntil } from '../../helpers/actions-wait';
import { coreForFile } from '../../helpers/core-per-file';
import { startTcpProxy } from '../../helpers/tcp-proxy';

const RATE = 256 * 1024;
const FILLERS = 1500;

const { core, redis } = coreForFile({
  redis: { own: true },
  via: (r) => startTcpProxy(r.connection, { bytesPerSecond: RATE }),
  before: async ({ redis }) => {
    const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
    await flows.add({
      name: 'root',
      queueName: 'rr-roots',
      opts: { jobId: 'root' },
      children: [
        // A third level: the load goes on after the level that holds `k`.
        { name: 'mid', queueName: 'rr-items', opts: { jobId: 'mid' }, children: [{ name: 'deep', queueName: 'rr-items', opts: { jobId: 'deep' } }] },
        { name: 'item', queueName: 'rr-special', opts: { jobId: 'k' } },
        ...Array.from({ length: FILLERS }, (_, i) => ({ name: 'filler', queueName: 'rr-items', data: { i }, opts: { jobId: `f-${i}` } })),
      ],
    });
    await flows.close();
  },
});

describe('a resync while the flow changes', () => {
  it('a child that changes while the resync loads comes as a patch after its snapshot, never lost', async () => {
    const session = 'race';
    const pushes: (FlowPatch | FlowSnapshot)[] = [];
    const off = core.onEvent((e) => {
      if (e.event === 'flowPatch' || e.event === 'flowSnapshot') pushes.push(e.payload);
    }, session);
    const direct = redis.client();
    // MONITOR through redis-cli: its lines name every command Redis runs, as it runs it.
    const monitor = spawn('redis-cli', ['-h', '127.0.0.1', '-p', new URL(redis.url).port, 'monitor'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: monitor.stdout });
    const untilLine = (match: (line: string) => boolean) =>
      new Promise<void>((resolve) => {
        const check = (line: string) => {
          if (!match(line)) return;
          lines.off('line', check);
          resolve();
        };
        lines.on('line', check);
      });
    try {
      const opened = await core.dispatch('subscribeFlow', { queue: 'rr-roots', jobId: 'root', depth: 3, pageSize: 2000 }, session);
      expect(opened.ok).toBe(true);
      const { subscriptionId, tree: first } = (opened as { result: FlowSnapshot }).result;
      const k = `${redis.prefix}:rr-special:k`;
      expect(first.nodes.find((n) => n.key === k)?.name).toBe('item');
      expect(first.nodes.some((n) => n.key === `${redis.prefix}:rr-items:deep`)).toBe(true);

      // Once Redis has run the load's read of the level that holds k, k is renamed (with its event).
      // Monitoring once a PING of ours shows (redis-cli says nothing before the first command).
      const ready = untilLine((line) => line.includes('"monitor-ready"'));
      const pinging = setInterval(() => void direct.ping('monitor-ready'), 50);
      await ready.finally(() => clearInterval(pinging));
      const levelRead = untilLine((line) => /"evalsha"/i.test(line) && line.includes(`"${LOAD_LEVEL.sha}"`) && line.includes(`"${k}"`));
      const resynced = core.dispatch('resyncFlow', { subscriptionId }, session);
      await levelRead;
      await direct.hset(k, 'name', 'renamed');
      await direct.xadd(`${redis.prefix}:rr-special:events`, '*', 'event', 'progress', 'jobId', 'k', 'data', '1');
      monitor.kill();

      const answer = await resynced;
      expect(answer.ok).toBe(true);
      const snapshot = (answer as { result: FlowSnapshot }).result;
      // A change after the resync (a filler renamed) is the mark: patches come in order, so once
      // its patch is in, every patch the resync's read could cause is in.
      const f0 = `${redis.prefix}:rr-items:f-0`;
      await direct.hset(f0, 'name', 'mark');
      await direct.xadd(`${redis.prefix}:rr-items:events`, '*', 'event', 'progress', 'jobId', 'f-0', 'data', '1');
      await waitUntil(() => pushes.some((p) => 'upserts' in p && p.upserts.some((n) => n.key === f0 && n.name === 'mark')) || undefined, 'the mark to come');

      let tree = snapshot.tree;
      for (const p of pushes) if ('upserts' in p && p.seq > snapshot.seq) tree = patchTree(tree, p);
      expect(tree.nodes.find((n) => n.key === k)?.name).toBe('renamed');
    } finally {
      off();
      lines.close();
      monitor.kill();
    }
  });
});
