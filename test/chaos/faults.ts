// Redis faults under live views. A redis-server of the scenario's own (DEBUG allowed), a TCP
// proxy of the test between it and the host (test/helpers/tcp-proxy.ts), a flow, and two
// WebSocket clients each with a live view of it. Then, `rounds` times each:
//   stop       kill -STOP for 3 s, then -CONT
//   sleep      DEBUG SLEEP 3
//   blackhole  the proxy stops forwarding for 3 s (no socket closed), then forwards again
//   flushall   FLUSHALL, then the flow is written again
//   restart    the server stopped and started again empty on the same port, the flow written again
// Checked for each: a hang is pushed to both clients as NOT_RESPONDING within 2 s; calls made
// during it are answered (REDIS_UNAVAILABLE) within 3 s (else: hung); afterwards both clients
// see `connected` and every view gets a fresh snapshot of the whole flow; a wipe is pushed as
// the flow gone (a missing root, NOT_FOUND) and the flow shows again once it is written back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowProducer } from 'bullmq';
import { Redis } from 'ioredis';
import type { PushEvent } from '../../shared/contract';
import type { FlowSnapshot } from '../../shared/domain';
import { startSandbox, type Sandbox } from '../../electron/core/connection/sandbox';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { openWsTestClient, type WsTestClient } from '../helpers/ws-test-client';
import type { ChaosRig } from './hosts';
import { fail, newTally, type Tally } from './tally';

export type FaultName = 'stop' | 'sleep' | 'blackhole' | 'flushall' | 'restart';
export const FAULTS: FaultName[] = ['stop', 'sleep', 'blackhole', 'flushall', 'restart'];

const HANG_MS = 3000;
const NOTICE_MS = 2000;
const ANSWER_MS = 3000;
const RECOVER_MS = 8000;
const PREFIX = 'chaosf';
const QUEUE = 'faults';
const ROOT_ID = 'root-1';

const isStatus = (p: PushEvent, state: 'connected' | 'not-responding') =>
  p.event === 'connectionStatus' && (state === 'connected' ? p.payload.state === 'connected' : p.payload.state !== 'connected' && p.payload.code === 'NOT_RESPONDING');
const snapshotOf = (id: string, nodes: (n: number) => boolean) => (p: PushEvent) =>
  p.event === 'flowSnapshot' && p.payload.subscriptionId === id && nodes(p.payload.tree.nodes.length) && (nodes(1) || p.payload.tree.nodes.every((n) => n.state !== 'missing'));

export async function runFaults(rig: ChaosRig, opts: { rounds: number; faults?: FaultName[] }): Promise<Tally> {
  const tally = newTally('faults');
  const dir = mkdtempSync(join(tmpdir(), 'flowscope-chaos-faults-'));
  let server: Sandbox = await startSandbox({ dataDir: join(dir, '0'), persist: false, extraArgs: ['--enable-debug-command', 'local'] });
  const port = server.port;
  const proxy = await startTcpProxy({ host: '127.0.0.1', port });
  const direct = () => new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: false });
  const writeFlow = async () => {
    const flows = new FlowProducer({ connection: { host: '127.0.0.1', port }, prefix: PREFIX });
    await flows.add({ name: 'root', queueName: QUEUE, opts: { jobId: ROOT_ID }, children: [{ name: 'a', queueName: QUEUE }, { name: 'b', queueName: QUEUE }] });
    await flows.close();
  };
  await writeFlow();
  const host = await rig.startHost(proxy.url, PREFIX);
  const clients: WsTestClient[] = [await openWsTestClient(host, { callTimeoutMs: 15_000 }), await openWsTestClient(host, { callTimeoutMs: 15_000 })];
  const views: string[] = [];
  for (const c of clients) {
    const opened = await c.call('subscribeFlow', { queue: QUEUE, jobId: ROOT_ID });
    if (!opened.ok) throw new Error(`could not open a view: ${opened.error.message}`);
    views.push((opened.result as FlowSnapshot).subscriptionId);
  }
  const noticed: number[] = [];
  let faultsRun = 0;
  let callsDuring = 0;
  let peak: number | null;

  /** Calls made while Redis is away: answered (an error is fine) within ANSWER_MS. */
  const probe = async (fault: string) => {
    for (const c of clients) {
      callsDuring++;
      const res = await c.call('getFlowTree', { queue: QUEUE, jobId: ROOT_ID }, ANSWER_MS);
      if (res.hung) fail(tally, 'hungCalls', `${fault}: getFlowTree not answered in ${ANSWER_MS} ms`);
      else if (!res.ok && res.error.code === 'INTERNAL') fail(tally, 'unexpectedErrors', `${fault}: INTERNAL ${res.error.message}`);
    }
  };
  const expectPush = async (fault: string, since: number, what: string, predicate: (p: PushEvent) => boolean, withinMs: number) => {
    const got = await Promise.all(clients.map((c) => c.nextPush(predicate, since, withinMs)));
    got.forEach((g, i) => {
      if (!g) fail(tally, 'faultsMissed', `${fault}: client ${i + 1} got no ${what} within ${withinMs} ms`);
    });
    return got;
  };
  const expectViews = async (fault: string, since: number, what: string, nodes: (n: number) => boolean, withinMs: number) => {
    for (const [i, c] of clients.entries()) {
      const got = await c.nextPush(snapshotOf(views[i]!, nodes), since, withinMs);
      if (!got) fail(tally, 'faultsMissed', `${fault}: view ${i + 1} got no ${what} within ${withinMs} ms`);
    }
  };
  const hang = async (fault: FaultName, start: () => Promise<void> | void, stop: () => Promise<void> | void) => {
    const since = Date.now();
    const pending = expectPush(fault, since, 'NOT_RESPONDING push', (p) => isStatus(p, 'not-responding'), NOTICE_MS);
    await start();
    const early = probe(fault);
    const got = await pending;
    for (const g of got) if (g) noticed.push(g.at - since);
    await early;
    await probe(fault);
    await new Promise((r) => setTimeout(r, Math.max(0, since + HANG_MS - Date.now())));
    const back = Date.now();
    await stop();
    await expectPush(fault, back, 'connected push', (p) => isStatus(p, 'connected'), RECOVER_MS);
    await expectViews(fault, back, 'fresh snapshot', (n) => n === 3, RECOVER_MS);
  };
  const wipe = async (fault: FaultName, doWipe: () => Promise<void>) => {
    const since = Date.now();
    await doWipe();
    await expectViews(fault, since, 'snapshot saying the flow is gone', (n) => n === 1, RECOVER_MS);
    const back = Date.now();
    await writeFlow();
    await expectViews(fault, back, 'snapshot of the flow written back', (n) => n === 3, RECOVER_MS);
  };

  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const fault of opts.faults ?? FAULTS) {
        faultsRun++;
        if (host.crashed()) {
          fail(tally, 'crashes', `the host exited before ${fault}: ${host.logTail().slice(-500)}`);
          break;
        }
        switch (fault) {
          case 'stop':
            await hang(fault, () => void process.kill(server.pid, 'SIGSTOP'), () => void process.kill(server.pid, 'SIGCONT'));
            break;
          case 'sleep': {
            const sleeper = direct();
            let done: Promise<unknown> = Promise.resolve();
            await hang(
              fault,
              () => void (done = sleeper.call('DEBUG', 'SLEEP', String(HANG_MS / 1000)).catch(() => undefined)),
              async () => {
                await done;
                sleeper.disconnect();
              },
            );
            break;
          }
          case 'blackhole':
            await hang(fault, () => proxy.blackhole(), () => proxy.restore());
            break;
          case 'flushall': {
            const c = direct();
            await wipe(fault, async () => void (await c.flushall()));
            c.disconnect();
            break;
          }
          case 'restart':
            await wipe(fault, async () => {
              await server.stop();
              server = await startSandbox({ dataDir: join(dir, String(faultsRun)), persist: false, port, extraArgs: ['--enable-debug-command', 'local'] });
            });
            break;
        }
      }
    }
    if (host.crashed()) fail(tally, 'crashes', `the host exited: ${host.logTail().slice(-500)}`);
  } finally {
    peak = host.peakRssMiB();
    await Promise.all(clients.map((c) => c.close()));
    try {
      process.kill(server.pid, 'SIGCONT');
    } catch {
      // gone
    }
    await host.close();
    await proxy.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  noticed.sort((a, b) => a - b);
  tally.facts = {
    faults: faultsRun,
    liveViews: views.length,
    callsWhileAway: callsDuring,
    noticedMedianMs: noticed[Math.floor(noticed.length / 2)] ?? 'n/a',
    noticedMaxMs: noticed.at(-1) ?? 'n/a',
  };
  if (peak !== null) tally.peakHostRssMiB = peak;
  return tally;
}
