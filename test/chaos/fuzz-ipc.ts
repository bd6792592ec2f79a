// Fuzzing the desktop shell's IPC: the bridge's invoke handler (electron/main/ipc-bridge.ts),
// registered on a stand-in of ipcMain, over a real core and a real redis-server. There is no
// Electron binary here, so each call is what ipcMain.handle would be given: an event with the
// sender's WebContents id and its frame (URL, parent), and the renderer's arguments after the
// structured clone IPC puts them through. From a seed: calls from the app's own windows
// (random methods, known and unknown and 500 KB long; arguments of every shape a structured
// clone carries — wrong types, huge strings, __proto__ / constructor keys, deep nesting, cycles,
// Maps, BigInts, typed arrays; actions on real keys only as dry runs; missing and extra
// arguments) and calls from senders the app must refuse (windows it did not open or closed,
// sub-frames, frames on other URLs, a frame gone) — those with any method, changing ones
// included, and real actions that are not dry runs.
// Every call must be answered within 5 s with a DispatchResult that survives a structured
// clone (what Electron sends back): a valid answer or a typed error, never INTERNAL, never a
// rejection; every refused sender gets FORBIDDEN_ORIGIN without reaching the core; no
// prototype is polluted; Redis is exactly as it was; the heap after a GC is back near where it
// started, nothing logged is longer than 8 KiB, and the bridge holds only the windows still open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { METHOD_NAMES, type DispatchResult } from '../../shared/contract';
import { ERROR_CODES } from '../../shared/errors';
import { IPC_CALL_CHANNEL } from '../../shared/preload-api';
import type { RedisClient } from '../../electron/core/connection/redis-client';
import { createCore } from '../../electron/core/create-core';
import type { Logger } from '../../electron/core/log/logger';
import { APP_RENDERER_URL } from '../../electron/main/app-protocol';
import { bridgeCore, type CallEvent } from '../../electron/main/ipc-bridge';
import { dumpKeys } from '../helpers/actions-dump';
import { ANSWER_MS, randomArgs, randomMethodName } from './fuzz';
import { FOREIGN_URLS, hostileArgs, ipcArgs } from './ipc-payloads';
import { StandInIpc, StandInWindow } from '../helpers/ipc-stand-ins';
import { fail, newTally, peakRssMiB, type Tally } from './tally';
import { rng } from './random';

export interface IpcFuzzOptions {
  calls: number;
  seed: number;
  /** The Redis the desktop core of the run connects to. */
  redisUrl: string;
  /** Keys of real jobs: trusted calls name them only in dry runs, refused ones in real actions too. */
  jobKeys: string[];
  prefix: string;
  redis: RedisClient;
  /** Heap growth allowed after a GC, MiB (default 64). */
  maxHeapGrowthMiB?: number;
}

const HUNG = Symbol('hung');

function isDispatchResult(answer: unknown): answer is DispatchResult {
  if (typeof answer !== 'object' || answer === null) return false;
  const a = answer as { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.ok === true) return 'result' in a;
  return a.ok === false && (ERROR_CODES as readonly unknown[]).includes(a.error?.code) && typeof a.error?.message === 'string';
}

/** A GC, so that heap figures say what is still held. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Runs the IPC fuzzing: a desktop core of its own on `o.redisUrl`, the bridge over it, `o.calls` calls. */
export async function fuzzIpc(o: IpcFuzzOptions): Promise<Tally> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-ipc-fuzz-'));
  const log = measuringLogger();
  const core = await createCore({ shell: 'desktop', dataDir, redisUrl: o.redisUrl, prefix: o.prefix, log });
  try {
    await core.ready;
    return await fuzzBridge(o, core, log);
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A logger that keeps only how long each line was (the core's and the bridge's). */
function measuringLogger(): Logger & { lines: number; longest: number } {
  const measure = (message: string, fields?: Record<string, unknown>) => {
    log.lines++;
    log.longest = Math.max(log.longest, message.length + JSON.stringify(fields ?? {}).length);
  };
  const log = { lines: 0, longest: 0, info: measure, warn: measure, error: measure };
  return log;
}

async function fuzzBridge(o: IpcFuzzOptions, core: Awaited<ReturnType<typeof createCore>>, log: ReturnType<typeof measuringLogger>): Promise<Tally> {
  const tally = newTally('ipcfuzz');
  const r = rng(o.seed ^ 0x1bc);
  const gc = collectGarbage();
  const before = await dumpKeys(o.redis, o.prefix);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;

  // Every call that reaches the core is counted: a refused sender's must not.
  let reachedCore = 0;
  const counted = {
    dispatch: (method: unknown, args: unknown, session?: string) => {
      reachedCore++;
      return core.dispatch(method, args, session);
    },
    onEvent: core.onEvent,
    closeSession: core.closeSession,
  };
  const ipc = new StandInIpc();
  const bridge = bridgeCore(ipc, counted, APP_RENDERER_URL, log);
  const handler = ipc.handlers.get(IPC_CALL_CHANNEL)!;
  let nextWindowId = 1;
  const open: StandInWindow[] = [];
  const closed: number[] = [];
  const openWindow = () => {
    const w = new StandInWindow(nextWindowId++);
    bridge.attach(w);
    open.push(w);
  };
  openWindow();
  openWindow();

  const facts = { calls: 0, unsendable: 0, trusted: 0, refused: 0, answeredOk: 0, typedErrors: 0, windowsClosed: 0, reloads: 0, slowestMs: 0 };
  const codes = new Map<string, number>();
  let firstUnavailable = '';
  for (let i = 0; facts.calls < o.calls; i++) {
    // Now and then a window reloads, or closes and another opens.
    if (r.int(400) === 0) {
      const w = open.splice(r.int(open.length), 1)[0]!;
      w.emit('destroyed');
      closed.push(w.id);
      facts.windowsClosed++;
      openWindow();
    } else if (r.int(300) === 0) {
      r.pick(open).emit('did-navigate');
      facts.reloads++;
    }

    const trusted = r.int(10) < 7;
    let event: CallEvent;
    let method: unknown;
    let args: unknown;
    if (trusted) {
      const hash = r.pick(['', '#/flow/fuzz/1', `#/${r.string(20)}`, `?x=${r.string(5)}`]);
      event = { sender: { id: r.pick(open).id }, senderFrame: { url: `${APP_RENDERER_URL}${hash}`, parent: null } };
      method = r.int(30) === 0 ? r.pick([42, null, undefined, ['getAppInfo'], { method: 'getAppInfo' }]) : randomMethodName(r);
      args = hostileArgs(r, String(method), o);
    } else {
      const way = r.int(5);
      const foreignUrl = r.int(15) === 0 ? `app://renderer.evil/${'x'.repeat(2_000_000)}` : r.pick(FOREIGN_URLS);
      const senderId = way === 0 ? r.pick([...closed, 0, -1, nextWindowId + 5, 2 ** 31]) : r.pick(open).id;
      const frame =
        way === 1 ? r.pick([null, undefined]) : way === 2 ? { url: APP_RENDERER_URL, parent: {} } : way === 0 ? { url: APP_RENDERER_URL, parent: null } : { url: foreignUrl, parent: null };
      event = { sender: { id: senderId }, senderFrame: frame };
      // Anything at all, changing methods and well-formed real actions included: none may run.
      const key = r.pick(o.jobKeys);
      if (r.bool()) [method, args] = r.pick<[string, unknown]>([['removeJob', { key }], ['removeUnprocessed', { parentKey: key }], ['retryJob', { key }], ['promoteJob', { key }]]);
      else {
        method = r.pick(METHOD_NAMES);
        args = randomArgs(r, method as string, o);
      }
    }
    const argv = ipcArgs(r, method, args);
    if (!argv) {
      facts.unsendable++;
      continue;
    }
    facts.calls++;
    const reachedBefore = reachedCore;
    const started = Date.now();
    let answer: unknown;
    let timer: NodeJS.Timeout | undefined;
    try {
      answer = await Promise.race([
        Promise.resolve(handler(event, ...argv)),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve(HUNG), ANSWER_MS);
        }),
      ]);
    } catch (err) {
      fail(tally, 'unexpectedErrors', `the handler threw on ${String(method).slice(0, 40)}: ${(err as Error).message?.slice(0, 200)}`);
      continue;
    } finally {
      clearTimeout(timer);
    }
    facts.slowestMs = Math.max(facts.slowestMs, Date.now() - started);
    if (answer === HUNG) {
      fail(tally, 'hungCalls', `IPC call ${i} (${String(method).slice(0, 40)}) not answered in ${ANSWER_MS} ms`);
      continue;
    }
    if (!isDispatchResult(answer)) {
      fail(tally, 'unexpectedErrors', `IPC call ${i} answered something that is not a DispatchResult: ${JSON.stringify(answer)?.slice(0, 200)}`);
      continue;
    }
    try {
      structuredClone(answer);
    } catch (err) {
      fail(tally, 'unexpectedErrors', `IPC call ${i} (${String(method).slice(0, 40)}): its answer cannot go back over IPC: ${(err as Error).message.slice(0, 200)}`);
    }
    if (answer.ok) facts.answeredOk++;
    else {
      facts.typedErrors++;
      codes.set(answer.error.code, (codes.get(answer.error.code) ?? 0) + 1);
      if (answer.error.code === 'REDIS_UNAVAILABLE' && !firstUnavailable) firstUnavailable = `${String(method).slice(0, 40)}: ${answer.error.message.slice(0, 160)}`;
      if (answer.error.code === 'INTERNAL') fail(tally, 'unexpectedErrors', `INTERNAL on IPC ${String(method).slice(0, 40)}: ${answer.error.message.slice(0, 200)}`);
    }
    if (trusted) {
      facts.trusted++;
      if (!answer.ok && answer.error.code === 'FORBIDDEN_ORIGIN') fail(tally, 'unexpectedErrors', `a call of the app's own window ${event.sender.id} was refused`);
    } else {
      facts.refused++;
      if (answer.ok || answer.error.code !== 'FORBIDDEN_ORIGIN' || reachedCore !== reachedBefore) {
        fail(tally, 'unexpectedErrors', `a call from a sender the app must refuse (window ${event.sender.id}, frame ${String(event.senderFrame?.url).slice(0, 60)}) was ${answer.ok ? 'answered' : answer.error.code}${reachedCore !== reachedBefore ? ' by the core' : ''}`);
      }
    }
    if (({} as Record<string, unknown>).polluted !== undefined || (Object.prototype as Record<string, unknown>).depth !== undefined) {
      fail(tally, 'unexpectedErrors', `a prototype was polluted by IPC call ${i}`);
      delete (Object.prototype as Record<string, unknown>).polluted;
      delete (Object.prototype as Record<string, unknown>).depth;
    }
  }

  // The bridge holds the windows still open, each its own session, and nothing else.
  const sessions = bridge.sessions().sort();
  const expected = open.map((w) => `window-${w.id}`).sort();
  if (JSON.stringify(sessions) !== JSON.stringify(expected)) fail(tally, 'unexpectedErrors', `the bridge holds sessions ${sessions.join(', ')}, not the open windows ${expected.join(', ')}`);
  const alive = await handler({ sender: { id: open[0]!.id }, senderFrame: { url: APP_RENDERER_URL, parent: null } }, 'getAppInfo', {});
  if (!(alive as DispatchResult).ok) fail(tally, 'crashes', 'the bridge no longer answers getAppInfo');
  for (const w of open) w.emit('destroyed');
  bridge.close();

  const after = await dumpKeys(o.redis, o.prefix);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length > 0) fail(tally, 'redisChanged', `keys changed by the IPC fuzzing: ${changed.slice(0, 5).join(', ')}`, changed.length);

  gc();
  const heapGrowthMiB = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024);
  const maxGrowth = o.maxHeapGrowthMiB ?? 64;
  if (heapGrowthMiB > maxGrowth) fail(tally, 'unexpectedErrors', `the heap grew ${heapGrowthMiB} MiB over the run (bound ${maxGrowth} MiB)`);
  const longestLog = log.longest;
  if (longestLog > 8192) fail(tally, 'unexpectedErrors', `a log line of ${longestLog} characters (a client's input is logged clipped)`);

  tally.facts = {
    ...facts,
    errorCodes: [...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(' / '),
    ...(firstUnavailable ? { firstRedisUnavailable: firstUnavailable } : {}),
    heapGrowthMiB,
    longestLogLine: longestLog,
    logLines: log.lines,
    seed: o.seed,
  };
  // The core runs in this process (there is no shell process to measure on its own).
  const peak = peakRssMiB('self');
  if (peak !== null) tally.facts.peakProcessRssMiB = peak;
  return tally;
}
