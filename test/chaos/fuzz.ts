// Fuzzing a real web host: `frames` WebSocket frames and HTTP requests, generated from a seed —
// random methods (known, unknown, 500 KB long), random arguments of every JSON shape, sizes up
// to past the 1 MiB limits, malformed JSON, binary frames, request targets that are not paths,
// bad and malformed cookies, foreign Origin and Host headers, raw garbage on a plain socket.
// Every request must be answered (hung: no answer in 5 s), no answer may be INTERNAL, the host
// must keep serving, and Redis must be exactly as it was.
import { request } from 'node:http';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { METHOD_NAMES } from '../../shared/contract';
import type { RedisClient } from '../../electron/core/connection/redis-client';
import { dumpKeys } from '../helpers/actions-dump';
import { callHost, type ChaosHost } from './hosts';
import { fail, newTally, type Tally } from './tally';
import { rng, type Rng } from './random';

/** Methods left out with a valid token: with arguments that happen to be valid they change state on purpose (seed data, switch Redis, …). */
export const CHANGES_ON_PURPOSE = new Set([
  'runScenario',
  'setScenarioKnobs',
  'stopScenario',
  'restartStoppedScenarios',
  'saveConnection',
  'removeConnection',
  'useConnection',
  'testConnection',
]);
export const METHODS = METHOD_NAMES.filter((m) => !CHANGES_ON_PURPOSE.has(m));
const ACTIONS = new Set(['retryFailedChildren', 'removeUnprocessed', 'retryJob', 'removeJob', 'promoteJob']);
export const ANSWER_MS = 5000;

export interface FuzzOptions {
  frames: number;
  seed: number;
  /** Keys of real jobs: fuzzed actions name them only as dry runs. */
  jobKeys: string[];
  prefix: string;
  redis: RedisClient;
}

export function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return r.bool();
    case 2:
      return r.pick([0, -1, 1e308, 2 ** 53 + 1, 0.5, -0, 65536, 10_001]);
    case 3:
      return r.string(r.int(40));
    case 4:
      return r.pick(['', '../../etc/passwd', '%', '\u0000', '__proto__', 'constructor', '{}', '🙂'.repeat(50), 'bull:q:1', '*']);
    case 5:
      return r.string(r.pick([1000, 70_000]));
    case 6:
      return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--) o[r.pick(['key', 'parentKey', 'queue', 'jobId', 'depth', 'pageSize', 'dryRun', 'limit', '__proto__', r.string(8)])] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** Arguments: mostly random; sometimes well-formed ones (actions always as dry runs on real keys). */
export function randomArgs(r: Rng, method: string, o: Pick<FuzzOptions, 'jobKeys' | 'prefix'>): unknown {
  if (r.int(3) > 0) return randomValue(r);
  const key = r.bool() && o.jobKeys.length > 0 ? r.pick(o.jobKeys) : `${o.prefix}:${r.string(6)}:${r.int(1000)}`;
  if (ACTIONS.has(method)) return method === 'promoteJob' ? { key: `${o.prefix}:nope:${r.int(100)}` } : { key, parentKey: key, dryRun: true };
  return { key, parentKey: key, queue: r.pick(['fuzz', r.string(5)]), jobId: String(r.int(50)), depth: r.int(12), pageSize: r.int(600) };
}

export function randomMethodName(r: Rng): string {
  const n = r.int(20);
  if (n < 14) return r.pick(METHODS);
  if (n < 18) return r.string(r.int(30));
  if (n < 19) return 'x'.repeat(500_000);
  return r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '']);
}

interface Outcome {
  answered: number;
  internal: number;
  closedByHost: number;
}

/** WebSocket frames on one authenticated socket; resolves when every frame with an id was answered (or timed out). */
async function wsBatch(host: ChaosHost, r: Rng, count: number, o: FuzzOptions, tally: Tally, out: Outcome): Promise<void> {
  const ws = new WebSocket(`${host.url.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(host.token)}`, { maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<number, { sent: number; method: string }>();
  let nextId = 1;
  let closed = false;
  let closing = false;
  ws.on('message', (data) => {
    let frame: { id?: number | null; ok?: boolean; error?: { code: string; message: string } };
    try {
      frame = JSON.parse(data.toString());
    } catch {
      fail(tally, 'unexpectedErrors', 'a WebSocket answer that is not JSON');
      return;
    }
    if (frame.error?.code === 'INTERNAL') {
      out.internal++;
      fail(tally, 'unexpectedErrors', `INTERNAL on a WebSocket frame: ${frame.error.message.slice(0, 200)}`);
    }
    if (typeof frame.id === 'number' && pending.delete(frame.id)) out.answered++;
  });
  ws.on('close', () => {
    closed = true;
    if (!closing) out.closedByHost += 1;
  });
  ws.on('error', () => undefined);
  /** Until at most `below` frames wait for an answer, the socket closed, or ANSWER_MS passed. */
  const answered = (below: number) =>
    new Promise<void>((resolve) => {
      const deadline = Date.now() + ANSWER_MS;
      const tick = () => (pending.size <= below || closed || Date.now() > deadline ? resolve() : setTimeout(tick, 5));
      tick();
    });
  for (let i = 0; i < count && !closed; i++) {
    const kind = r.int(20);
    let text: string | Buffer;
    if (kind === 0) text = Buffer.from(r.string(30));
    else if (kind === 1) text = `{"id": ${nextId}, "method": "getAppInfo", "args": {`;
    else if (kind === 2) text = r.pick(['[]', 'null', '"x"', '1', '{"id":"1","method":"getAppInfo"}', '{"method":"getAppInfo"}', '{"id":1.5,"method":"x"}']);
    else if (kind === 3 && r.int(10) === 0) text = JSON.stringify({ id: 0, method: 'getAppInfo', args: { pad: 'x'.repeat(1_100_000) } });
    else {
      const id = nextId++;
      const method = randomMethodName(r);
      text = JSON.stringify({ id, method, args: randomArgs(r, method, o) });
      pending.set(id, { sent: Date.now(), method });
    }
    ws.send(text);
    // Bursts of up to 40 frames, then wait for the answers: BUSY answers are fine, but a burst
    // far past the queue only measures the refusal.
    if (pending.size >= 40) await answered(10);
  }
  await answered(0);
  // A socket the host closed (a frame over 1 MiB) answers no more: its frames were not hung.
  if (!closed) for (const [id, p] of pending) fail(tally, 'hungCalls', `WebSocket frame ${id} (${p.method.slice(0, 40)}) not answered in ${ANSWER_MS} ms`);
  closing = true;
  ws.close();
}

/** One HTTP request with random method, target, headers and body; resolves with its status (0: no answer). */
function httpRequest(host: ChaosHost, r: Rng, o: FuzzOptions): Promise<number> {
  const port = Number(new URL(host.url).port);
  const method = r.pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD']);
  const apiMethod = randomMethodName(r).slice(0, r.int(10) === 0 ? 600_000 : 200);
  const path = r.pick([
    `/api/${encodeURIComponent(apiMethod)}`,
    `/api/${encodeURIComponent(apiMethod)}`,
    '/api/',
    '/api/%zz',
    '/',
    '/index.html',
    '/../../../etc/passwd',
    '/assets/%2e%2e/%2e%2e/package.json',
    `/${encodeURIComponent(r.string(20))}`,
    '/ws',
  ]);
  const headers: Record<string, string> = {};
  const auth = r.int(6);
  if (auth < 3) headers.authorization = `Bearer ${host.token}`;
  else if (auth === 3) headers.authorization = r.pick(['Bearer', 'Bearer x', `Basic ${host.token}`, `Bearer ${host.token}x`]);
  else if (auth === 4) headers.cookie = r.pick(['flowscope_token=%', 'flowscope_token=%E0%A4%A', `flowscope_token=${host.token}; flowscope_token=%`, 'a=b; =; ;;', `flowscope_token=${'%'.repeat(5000)}`]);
  if (r.int(5) === 0) headers.origin = r.pick(['http://evil.example', 'null', 'http://127.0.0.1:1', 'file://', '']);
  if (r.int(6) === 0) headers.host = r.pick(['evil.example', 'localhost.evil:80', '[::1', '', `127.0.0.1:${port}@evil`]);
  if (r.int(4) === 0) headers['content-type'] = r.pick(['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16']);
  const bodyKind = r.int(10);
  let body: string | Buffer = '';
  if (method !== 'GET' && method !== 'HEAD') {
    if (bodyKind < 5) body = JSON.stringify(randomArgs(r, apiMethod, o));
    else if (bodyKind < 7) body = r.pick(['{', '{"key":', 'null', '[]', '"', '{"__proto__":{"polluted":1}}', '\u0000\u0001']);
    else if (bodyKind < 8) body = Buffer.alloc(r.pick([1_100_000, 2_000_000]), 0x61);
    else if (bodyKind < 9) body = Buffer.from(Array.from({ length: 300 }, () => r.int(256)));
  }
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: headers.host === undefined, timeout: ANSWER_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
    req.on('error', () => resolve(-1)); // the host closed the connection: an answer of sorts, checked below
    req.end(body);
  });
}

/** Raw bytes on a plain socket: request lines that are not HTTP, bad targets, garbage upgrades. */
function rawRequest(host: ChaosHost, r: Rng): Promise<boolean> {
  const port = Number(new URL(host.url).port);
  const target = r.pick(['//', '/\\', '//@/', '//a:99999/x', '//[::1', 'http://evil/x', '*', '/ws?token=%zz', '/ws']);
  const lines = r.pick([
    [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', '', ''],
    [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', r.pick(['Cookie: flowscope_token=%', 'Origin: http://evil', `Cookie: flowscope_token=${host.token}`]), '', ''],
    [r.string(60), '', ''],
    ['GET / HTTP/9.9', '', ''],
    [`POST /api/getAppInfo HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Length: 99999999', 'Connection: close', '', '{'],
    [`POST /api/getAppInfo HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Transfer-Encoding: chunked', 'Connection: close', '', 'zz\r\n'],
  ]);
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, ANSWER_MS);
    socket.on('data', () => {
      answered = true;
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true); // an answer, or the host closing the connection: either way it did not hang
    });
    socket.write(lines.join('\r\n'));
    void answered;
  });
}

/** Runs the fuzzing against `host` and returns its tally. */
export async function fuzzHost(host: ChaosHost, o: FuzzOptions): Promise<Tally> {
  const tally = newTally('fuzz');
  const r = rng(o.seed);
  const before = await dumpKeys(o.redis, o.prefix);
  const out: Outcome = { answered: 0, internal: 0, closedByHost: 0 };
  let sent = 0;
  let http = 0;
  let ws = 0;
  let unanswered = 0;
  const statuses = new Map<number, number>();
  while (sent < o.frames) {
    // About as many WebSocket frames as HTTP requests: a batch of frames is ~50, a group of requests ~4.5.
    if (r.int(10) === 0) {
      const n = Math.min(o.frames - sent, 20 + r.int(60));
      await wsBatch(host, r, n, o, tally, out);
      sent += n;
      ws += n;
    } else {
      // Requests in small parallel groups, as a page or a script would send them.
      const n = Math.min(o.frames - sent, 1 + r.int(8));
      const group = Array.from({ length: n }, () => (r.int(5) === 0 ? rawRequest(host, r).then((ok) => (ok ? 1 : 0)) : httpRequest(host, r, o)));
      for (const status of await Promise.all(group)) {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 0) unanswered++;
        if (status === 500) fail(tally, 'unexpectedErrors', 'an HTTP request answered 500');
      }
      sent += n;
      http += n;
    }
    if (host.crashed()) {
      fail(tally, 'crashes', `the host exited after ${sent} frames: ${host.logTail().slice(-500)}`);
      break;
    }
  }
  const raw = statuses.get(1) ?? 0;
  if (unanswered > 0) fail(tally, 'hungCalls', `${unanswered} HTTP requests or raw connections got no answer in ${ANSWER_MS} ms`, unanswered);
  // Still serving, and Redis untouched.
  const alive = await callHost(host, 'getAppInfo', {}, ANSWER_MS);
  if (!alive.ok) fail(tally, 'crashes', `the host no longer answers: ${alive.error?.message}`);
  const after = await dumpKeys(o.redis, o.prefix);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length > 0) fail(tally, 'redisChanged', `keys changed by the fuzzing: ${changed.slice(0, 5).join(', ')}`, changed.length);
  tally.facts = {
    frames: sent,
    websocketFrames: ws,
    httpRequests: http,
    rawConnections: raw,
    websocketAnswers: out.answered,
    socketsClosedByHost: out.closedByHost,
    http4xx: [...statuses].filter(([s]) => s >= 400 && s < 500).reduce((n, [, c]) => n + c, 0),
    seed: o.seed,
  };
  const peak = host.peakRssMiB();
  if (peak !== null) tally.peakHostRssMiB = peak;
  return tally;
}
