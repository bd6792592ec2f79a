// A WebSocket client of a web host for tests, as the renderer talks to it: calls by id with their
// timings and sizes, frames sent as they are, every answer in the order it came, and the pushes
// it receives. Also a client written by hand over a raw socket that never reads a byte (for the
// host's per-client output bound). One client for the integration tests and the chaos scenarios.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { PushEvent } from '../../shared/contract';

/** Where a client connects: a web host (`startWebHost`, a chaos host) or any `{ url, token }`. */
export interface WsTarget {
  /** http://host:port */
  url: string;
  /** Sent as ?token=; none: the upgrade carries no token. */
  token?: string;
}

export interface WsTestClientOptions {
  /** The Origin header of the upgrade. */
  origin?: string;
  /** The largest frame the client accepts (ws's maxPayload; 0: no limit). */
  maxPayload?: number;
  /** How long call() waits before it resolves with a HUNG answer (default 25 s). */
  callTimeoutMs?: number;
  /**
   * Successful answers of more bytes than this are not parsed: only their id is read from their
   * start (result null). For tests in the host's own process, where parsing megabyte answers
   * would take the host's time.
   */
  parseUpTo?: number;
}

/** An answer frame, with its size, how long it took (call() only) and whether it never came. */
export type WsAnswer = ({ ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }) & {
  id: number | null;
  /** The frame's length in bytes (0 for a HUNG answer). */
  bytes: number;
  /** From send to answer, for call(); 0 for answers to frames sent with send(). */
  ms: number;
  /** call() had no answer within its timeout (error code HUNG). */
  hung: boolean;
};

export interface WsPush {
  at: number;
  push: PushEvent;
}

export interface WsTestClient {
  ws: WebSocket;
  /** Sends a call under the next id and resolves with its answer, or a HUNG one after the timeout. */
  call(method: string, args?: unknown, timeoutMs?: number): Promise<WsAnswer>;
  /** Sends a frame as it is (a string as text, anything else as JSON); its answer lands in `answers`. Do not mix own ids with call() on one client. */
  send(frame: unknown): void;
  /** Every answer frame, in the order they came. */
  answers: WsAnswer[];
  /** Resolves once `n` answers have come. */
  answered(n: number): Promise<void>;
  /** Resolves with the answer to `id`. */
  answerTo(id: number): Promise<WsAnswer>;
  /** The next answer not yet read by nextAnswer(), in the order they came. */
  nextAnswer(): Promise<WsAnswer>;
  pushes: WsPush[];
  /** The first push since `since` (ms epoch) that matches, or null after `timeoutMs`. */
  nextPush(predicate: (p: PushEvent) => boolean, since?: number, timeoutMs?: number): Promise<WsPush | null>;
  /** Closes the socket; resolves once it is closed. */
  close(): Promise<void>;
}

/** The host refused the upgrade with this HTTP status. */
export class WsRefusedError extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}

export function wsUrl(target: WsTarget): string {
  const base = `${target.url.replace(/^http/, 'ws')}/ws`;
  return target.token === undefined ? base : `${base}?token=${encodeURIComponent(target.token)}`;
}

/** Opens a client; rejects with WsRefusedError when the host answers the upgrade with a status. */
export async function openWsTestClient(target: WsTarget, options: WsTestClientOptions = {}): Promise<WsTestClient> {
  const ws = new WebSocket(wsUrl(target), {
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
    ...(options.maxPayload !== undefined ? { maxPayload: options.maxPayload } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      reject(new WsRefusedError(res.statusCode ?? 0));
    });
  });
  ws.on('error', () => undefined);

  const answers: WsAnswer[] = [];
  const pushes: WsPush[] = [];
  const calls = new Map<number, (answer: WsAnswer) => void>();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  /** Resolves with `found()` once it is defined, checked on every frame. */
  const when = <T>(found: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const value = found();
        if (value === undefined) return;
        listeners.delete(check);
        resolve(value);
      };
      listeners.add(check);
      check();
    });

  ws.on('message', (data: Buffer) => {
    let answer: WsAnswer;
    const unparsed = options.parseUpTo !== undefined && data.length > options.parseUpTo ? /^\{"id":(\d+),"ok":true/.exec(data.subarray(0, 40).toString()) : null;
    if (unparsed) {
      answer = { id: Number(unparsed[1]), ok: true, result: null, bytes: data.length, ms: 0, hung: false };
    } else {
      const frame = JSON.parse(data.toString()) as { push: PushEvent } | Omit<WsAnswer, 'bytes' | 'ms' | 'hung'>;
      if ('push' in frame) {
        pushes.push({ at: Date.now(), push: frame.push });
        notify();
        return;
      }
      answer = { ...frame, bytes: data.length, ms: 0, hung: false } as WsAnswer;
    }
    answers.push(answer);
    if (typeof answer.id === 'number') calls.get(answer.id)?.(answer);
    notify();
  });

  let nextId = 1;
  let read = 0;
  return {
    ws,
    answers,
    pushes,
    call(method, args, timeoutMs = options.callTimeoutMs ?? 25_000) {
      const id = nextId++;
      const start = Date.now();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          calls.delete(id);
          resolve({ id, ok: false, error: { code: 'HUNG', message: `no answer to ${method} in ${timeoutMs} ms` }, bytes: 0, ms: Date.now() - start, hung: true });
        }, timeoutMs);
        calls.set(id, (answer) => {
          clearTimeout(timer);
          calls.delete(id);
          answer.ms = Date.now() - start;
          resolve(answer);
        });
        ws.send(JSON.stringify(args === undefined ? { id, method } : { id, method, args }));
      });
    },
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    answered: (n) => when(() => (answers.length >= n ? true : undefined)).then(() => undefined),
    answerTo: (id) => when(() => answers.find((a) => a.id === id)),
    nextAnswer: () => when(() => (answers.length > read ? answers[read++] : undefined)),
    nextPush(predicate, since = 0, timeoutMs = 20_000) {
      let timer: NodeJS.Timeout | undefined;
      const found = when(() => pushes.find((p) => p.at >= since && predicate(p.push)));
      const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      return Promise.race([found, late]).finally(() => clearTimeout(timer));
    },
    close() {
      if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close();
      return closed;
    },
  };
}

/** A WebSocket client written by hand over a raw socket: after the upgrade it sends frames and never reads a byte. */
export interface NonReadingWsClient {
  socket: Socket;
  send(frame: unknown): void;
  close(): void;
}

export async function openNonReadingWsClient(target: WsTarget): Promise<NonReadingWsClient> {
  const { hostname, port, host } = new URL(target.url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const path = new URL(wsUrl(target));
  socket.write(
    `GET ${path.pathname}${path.search} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  // Reads the upgrade's answer head, then nothing more.
  await new Promise<void>((resolve) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  socket.pause();
  socket.on('error', () => undefined);
  return {
    socket,
    send(frame) {
      const payload = Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame));
      const n = payload.length;
      // Length in 7 bits, or 126 and 16 bits, or 127 and 64 bits; the mask bit set (a client's frames are masked).
      const header = Buffer.alloc(n < 126 ? 2 : n < 65_536 ? 4 : 10);
      header[0] = 0x81;
      if (n < 126) header[1] = 0x80 | n;
      else if (n < 65_536) {
        header[1] = 0x80 | 126;
        header.writeUInt16BE(n, 2);
      } else {
        header[1] = 0x80 | 127;
        header.writeBigUInt64BE(BigInt(n), 2);
      }
      const mask = randomBytes(4);
      socket.write(Buffer.concat([header, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]));
    },
    close: () => socket.destroy(),
  };
}
