// The local web host: the built renderer and the contract over HTTP (POST /api/<method>) and
// WebSocket (/ws), behind the per-launch token and own-Origin checks. A bad frame or call
// gets an error answer and is logged; the host keeps serving everyone else. Nothing a client
// sends may stop it: every listener is guarded (a target that is not a path is a 400, a body
// over 1 MiB a 413), what is logged of a client's input is clipped, and each WebSocket client
// has a bounded number of calls running and waiting and a bounded amount of output waiting for
// it to read (docs/RELIABILITY.md).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, DispatchResult, PushEvent, ServerFrame } from '../../shared/contract';
import { FlowscopeError, type ErrorCode } from '../../shared/errors';
import type { ConnectionStatus } from '../../shared/domain';
import type { Dispatch } from '../core/dispatch';
import { attachSession } from '../core/client-session';
import { HTTP_STATUS, refusal, sendJson } from './http-reply';
import { MAX_BODY, parseClientFrame, parseJson, parseTarget, readBody } from './request-input';
import { clip, type Logger } from '../core/log/logger';
import { webHostCsp } from '../../shared/csp';
import { checkRequest, TOKEN_COOKIE, type HostIdentity } from './host-guards';
import { resolveStatic, sendFile } from './static-files';

export interface HostedCore {
  dispatch: Dispatch;
  status(): ConnectionStatus;
  onEvent(listener: (event: PushEvent) => void, session?: string): () => void;
  closeSession(session: string): void;
}

export interface WebHostOptions {
  core: HostedCore;
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
  log: Logger;
  /** A WebSocket client whose unsent output passes this many bytes is disconnected (default MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
}

export interface WebHost {
  url: string;
  /** The URL to open, token included. */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

// A test seam: exported for the host's limit tests (test/integration/reliability/host-call-limits.test.ts, host-fairness.test.ts).
/**
 * Calls one WebSocket client may have running at once; more wait in its queue. While N > 1
 * clients have calls, each may run SHARED_CALLS_IN_FLIGHT / N of them (at least one).
 */
export const MAX_CALLS_IN_FLIGHT = 8;
// A test seam: exported for the host's limit tests (test/integration/reliability/host-fairness.test.ts).
/**
 * Calls running at once over all WebSocket clients while more than one has calls, shared out
 * equally (at least one each). Fewer than a client alone may run (MAX_CALLS_IN_FLIGHT): another
 * client's call waits behind every call already running (one Redis connection, one event loop),
 * so each call more running is that much longer to wait.
 */
export const SHARED_CALLS_IN_FLIGHT = 4;
/** One WebSocket client's calls: running, and waiting their turn. */
interface CallQueue {
  running: number;
  waiting: ClientFrame[];
  runNext(): void;
}
// A test seam: exported for the host's limit tests (test/integration/reliability/host-call-limits.test.ts, host-fairness.test.ts).
/** Calls one WebSocket client may have waiting; beyond, a call is refused with BUSY at once. */
export const MAX_CALLS_QUEUED = 64;
/**
 * Output waiting for one WebSocket client to read it, at most: past this the client is
 * disconnected (it reconnects and resyncs when it reads again). Answers are bounded by the
 * calls-in-flight limit, but pushes (live patches, BUSY refusals) are not, and a client that
 * never reads would otherwise grow the host's memory without end.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
// A test seam: exported for the host's limit tests (test/integration/reliability/host-answer-bounds.test.ts).
/**
 * WebSocket clients connected at once; one more is refused (503 BUSY) until one closes. With the
 * per-client bounds (calls, unread output) this bounds what clients can hold of the host.
 */
export const MAX_WEBSOCKET_CLIENTS = 64;
// A test seam: exported for the host's limit tests (test/integration/reliability/host-call-limits.test.ts).
/** Plain HTTP calls running at once over all connections; beyond, 429 BUSY. */
export const MAX_HTTP_CALLS_IN_FLIGHT = 32;
/** Live views belong to a WebSocket (they end with it); over HTTP they could never end. */
const WEBSOCKET_ONLY = new Set(['subscribeFlow', 'resyncFlow', 'unsubscribeFlow']);



export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core, log } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(18).toString('base64url');
  const identity: HostIdentity = { host, port: 0, token };

  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  let httpCallsInFlight = 0;

  const answerHttp = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const gate = checkRequest(identity, url, req.headers);
    if (!gate.ok) {
      log.warn('refused http request', { path: clip(url.pathname), code: gate.code, origin: clip(req.headers.origin ?? '') });
      sendJson(res, gate.status, refusal(gate.code, gate.message));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') {
        sendJson(res, 405, refusal('BAD_REQUEST', 'Use POST for API calls'));
        return;
      }
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice('/api/'.length));
      } catch {
        method = url.pathname.slice('/api/'.length);
      }
      const body = await readBody(req);
      if (body === null) {
        log.warn('refused http call', { method: clip(method), code: 'BAD_REQUEST', message: 'body too large' });
        res.setHeader('connection', 'close');
        sendJson(res, 413, refusal('BAD_REQUEST', `Request body over ${MAX_BODY} bytes`));
        return;
      }
      if (WEBSOCKET_ONLY.has(method)) {
        sendJson(res, 400, refusal('BAD_REQUEST', `${method} is a live view: call it over the WebSocket (/ws), where views end with the connection`));
        return;
      }
      if (httpCallsInFlight >= MAX_HTTP_CALLS_IN_FLIGHT) {
        log.warn('refused http call', { method: clip(method), code: 'BUSY' });
        sendJson(res, 429, refusal('BUSY', `${MAX_HTTP_CALLS_IN_FLIGHT} HTTP calls are running: try again when one has answered`));
        return;
      }
      let result: DispatchResult;
      httpCallsInFlight++;
      try {
        result = await core.dispatch(method, parseJson(body, 'Request body'));
      } catch (err) {
        const error = err instanceof FlowscopeError ? err : new FlowscopeError('BAD_REQUEST', clip(String(err)));
        log.warn('refused http call', { path: clip(url.pathname), code: error.code, message: clip(error.message) });
        result = { ok: false, error: error.toPayload() };
      } finally {
        httpCallsInFlight--;
      }
      sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, refusal('BAD_REQUEST', 'Method not allowed'));
      return;
    }
    const file = resolveStatic(options.staticDir, url.pathname) ?? resolveStatic(options.staticDir, '/');
    if (!file) {
      sendJson(res, 404, refusal('NOT_FOUND', 'The renderer is not built: run `npm run build`'));
      return;
    }
    const headers: Record<string, string> = {
      'content-security-policy': webHostCsp(identity.host, identity.port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    sendFile(res, file, headers);
  };

  const failHttp = (res: ServerResponse, err: unknown) => {
    log.error('http handler failed', { message: clip(String(err)) });
    if (!res.headersSent) sendJson(res, 500, refusal('INTERNAL', 'Internal error'));
    else res.destroy();
  };

  const server: Server = createServer((req, res) => {
    try {
      const url = parseTarget(req.url);
      if (!url) {
        log.warn('refused http request', { target: clip(req.url ?? ''), code: 'BAD_REQUEST' });
        res.setHeader('connection', 'close');
        sendJson(res, 400, refusal('BAD_REQUEST', 'The request target must be a path starting with one "/"'));
        return;
      }
      answerHttp(req, res, url).catch((err: unknown) => failHttp(res, err));
    } catch (err) {
      failHttp(res, err);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const sockets = new Set<WebSocket>();

  /** Answers a refused upgrade on the raw socket and closes it. */
  const refuseUpgrade = (socket: Duplex, status: 400 | 401 | 403 | 500 | 503, code: ErrorCode, message: string) => {
    const body = JSON.stringify(refusal(code, message));
    const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status];
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws owns the socket nobody else listens for its errors: a client that resets the
    // connection while it is answered would otherwise be an uncaught 'error' that ends the host.
    const onSocketError = (err: Error) => log.warn('websocket upgrade socket error', { message: clip(err.message) });
    socket.on('error', onSocketError);
    try {
      const url = parseTarget(req.url);
      if (!url) {
        log.warn('refused websocket upgrade', { target: clip(req.url ?? ''), code: 'BAD_REQUEST' });
        refuseUpgrade(socket, 400, 'BAD_REQUEST', 'The request target must be a path starting with one "/"');
        return;
      }
      const gate = url.pathname === '/ws' ? checkRequest(identity, url, req.headers) : ({ ok: false, status: 403, code: 'FORBIDDEN_ORIGIN', message: 'Unknown WebSocket path' } as const);
      if (!gate.ok) {
        log.warn('refused websocket upgrade', { code: gate.code, origin: clip(req.headers.origin ?? '') });
        refuseUpgrade(socket, gate.status, gate.code, gate.message);
        return;
      }
      if (sockets.size >= MAX_WEBSOCKET_CLIENTS) {
        log.warn('refused websocket upgrade', { code: 'BUSY', clients: sockets.size });
        refuseUpgrade(socket, 503, 'BUSY', `${MAX_WEBSOCKET_CLIENTS} clients are connected: close one (a tab or a window) first`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('error', onSocketError);
        wss.emit('connection', ws, req);
      });
    } catch (err) {
      log.error('websocket upgrade failed', { message: clip(String(err)) });
      if (socket.writable) refuseUpgrade(socket, 500, 'INTERNAL', 'Internal error');
      else socket.destroy();
    }
  });

  // Every WebSocket client's calls: a client's running calls are capped at its fair share.
  const callQueues = new Set<CallQueue>();
  const fairShare = () => {
    let busy = 0;
    for (const q of callQueues) if (q.running > 0 || q.waiting.length > 0) busy++;
    return busy <= 1 ? MAX_CALLS_IN_FLIGHT : Math.max(1, Math.floor(SHARED_CALLS_IN_FLIGHT / busy));
  };

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    // Each socket is one session: its flow views end with it.
    const session = `ws-${randomUUID()}`;
    const send = (frame: ServerFrame, done?: () => void) => {
      if (ws.readyState !== ws.OPEN) {
        done?.();
        return;
      }
      if (ws.bufferedAmount > maxBuffered) {
        // It has not read what it was sent: it gets no more, and its views end with the socket.
        log.warn('websocket client does not read: disconnected', { buffered: ws.bufferedAmount, limit: maxBuffered });
        ws.terminate();
        done?.();
        return;
      }
      try {
        ws.send(JSON.stringify(frame), done && (() => done()));
      } catch (err) {
        log.error('websocket send failed', { message: clip(String(err)) });
        done?.();
      }
    };
    const client = attachSession(core, session, (push) => send({ push }));
    // A client that (re)connects learns the connection state at once.
    send({ push: { event: 'connectionStatus', payload: core.status() } });

    // Calls of this client: MAX_CALLS_IN_FLIGHT run at once, MAX_CALLS_QUEUED wait in order,
    // more are refused with BUSY. A slot is freed once the answer is handed to the socket (its
    // write callback), so a client that does not read its answers stops getting new ones run,
    // and one client's burst only ever takes its share of the Redis connection.
    // While other clients have calls too, each gets an equal share of SHARED_CALLS_IN_FLIGHT (at
    // least one): the host and its one Redis connection serve calls in the order they come, so
    // another client's call waits behind everything this one has running.
    const queue: CallQueue = { running: 0, waiting: [], runNext: () => runNext() };
    callQueues.add(queue);
    const { waiting } = queue;
    const runNext = () => {
      while (queue.running < fairShare() && waiting.length > 0 && ws.readyState === ws.OPEN) {
        const frame = waiting.shift()!;
        queue.running++;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          queue.running--;
          // A slot freed here may be another client's to take (its share grows as this one idles).
          for (const q of callQueues) q.runNext();
        };
        client
          .call(frame.method, frame.args)
          .catch((err: unknown): DispatchResult => ({ ok: false, error: new FlowscopeError('INTERNAL', clip(String(err))).toPayload() }))
          .then((result) => send({ id: frame.id, ...result }, release));
      }
    };

    ws.on('message', (data, isBinary) => {
      let frame: ClientFrame;
      try {
        if (isBinary) throw new FlowscopeError('BAD_REQUEST', 'Binary frames are not accepted');
        frame = parseClientFrame(data.toString());
      } catch (err) {
        const error = err instanceof FlowscopeError ? err : new FlowscopeError('BAD_REQUEST', clip(String(err)));
        log.warn('refused websocket frame', { code: error.code, message: clip(error.message) });
        send({ id: null, ok: false, error: error.toPayload() });
        return;
      }
      if (waiting.length >= MAX_CALLS_QUEUED) {
        log.warn('refused websocket frame', { code: 'BUSY', method: clip(frame.method) });
        send({
          id: frame.id,
          ok: false,
          error: { code: 'BUSY', message: `${MAX_CALLS_IN_FLIGHT} calls of this client are running and ${MAX_CALLS_QUEUED} waiting: wait for answers before sending more` },
        });
        return;
      }
      waiting.push(frame);
      runNext();
    });
    ws.on('close', () => {
      waiting.length = 0;
      callQueues.delete(queue);
      for (const q of callQueues) q.runNext();
      sockets.delete(ws);
      client.close();
    });
    ws.on('error', (err) => log.warn('websocket error', { message: clip(err.message) }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listen, a server error (EMFILE when a client opens sockets until the process runs
  // out of file descriptors) is logged: without a listener it would end the process.
  server.on('error', (err) => log.error('http server error', { message: clip(err.message) }));
  wss.on('error', (err) => log.error('websocket server error', { message: clip(err.message) }));
  identity.port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const url = `http://${hostForUrl}:${identity.port}`;

  return {
    url,
    openUrl: `${url}/?token=${encodeURIComponent(token)}`,
    token,
    port: identity.port,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
