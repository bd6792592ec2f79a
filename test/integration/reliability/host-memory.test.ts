// The host's memory is bounded by what is in view (issue 12, defect 8 and item 4): `flowscope
// serve`, a process of its own, is flooded by a client that pipelines 200 loads of a 2,000-child
// tree (about 1 MB an answer) and by one that sends as many and never reads its socket. Its peak
// resident memory (VmHWM in /proc) grows by a bounded amount, every frame of the reading client
// is answered, and the host keeps serving. Before the per-client bounds, 100 such frames took
// the host from 83 MiB to about 1.1 GiB.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FlowProducer } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCliForFile } from '../../helpers/built-cli';
import { openNonReadingWsClient, openWsTestClient } from '../../helpers/ws-test-client';

const FRAMES = 200;
/** What the flood may add to the host's peak resident memory. */
const MAX_GROWTH_MB = 250;

const cli = builtCliForFile();
const { redis } = cli;
let host: ChildProcess;
let url: URL;
let rootId: string;

/** A /proc/<pid>/status figure in MiB (VmRSS now, VmHWM the peak so far). */
function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
}

beforeAll(async () => {
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  const added = await flows.add({
    name: 'root',
    queueName: 'memory',
    children: Array.from({ length: 2000 }, (_, i) => ({ name: `child-${i}-${'n'.repeat(200)}`, queueName: 'memory', data: { i } })),
  });
  rootId = added.job.id!;
  await flows.close();
  host = spawn(process.execPath, [cli.run, 'serve', '--redis', redis.url, '--prefix', redis.prefix, '--data-dir', cli.dataDir, '--token', 'memory-test'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    host.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /serving at (\S+)/.exec(out);
      if (found) resolve(new URL(found[1]!));
    });
    host.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}, 90_000);

afterAll(async () => {
  if (host.exitCode === null) {
    const exited = new Promise((resolve) => host.once('exit', resolve));
    host.kill('SIGTERM');
    await exited;
  }
});

const target = () => ({ url: `http://${url.host}`, token: 'memory-test' });
const treeLoad = (id: number) => ({ id, method: 'getFlowTree', args: { queue: 'memory', jobId: rootId, pageSize: 10_000 } });

/** Sends `n` frames at once and resolves when every one is answered (answers are counted, not parsed). */
async function flood(n: number): Promise<void> {
  const client = await openWsTestClient(target(), { parseUpTo: 1000 });
  for (let id = 1; id <= n; id++) client.send(treeLoad(id));
  await client.answered(n);
  await client.close();
}

/** A client that sends `n` frames by hand over a raw socket and never reads a byte. */
async function floodWithoutReading(n: number): Promise<() => void> {
  const client = await openNonReadingWsClient(target());
  for (let id = 1; id <= n; id++) client.send(treeLoad(id));
  return client.close;
}

describe('the web host under a flood', () => {
  it(`${FRAMES} pipelined 1 MB tree loads from one client and ${FRAMES} from one that never reads: peak memory grows by < ${MAX_GROWTH_MB} MiB`, async () => {
    // Warm: one load of the tree, so what is measured is the flood, not the first load's code.
    await flood(1);
    const before = memoryMb(host.pid!, 'VmRSS');
    const stopSilent = await floodWithoutReading(FRAMES);
    try {
      await flood(FRAMES);
      await flood(FRAMES);
    } finally {
      stopSilent();
    }
    const peak = memoryMb(host.pid!, 'VmHWM');
    console.log(`host memory: ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB`);
    expect(peak - before).toBeLessThan(MAX_GROWTH_MB);
    // Still serving.
    await flood(1);
    expect(host.exitCode).toBeNull();
  }, 120_000);
});
