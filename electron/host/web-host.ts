// The local web host: the built renderer and the contract over HTTP (POST /api/<method>) and
// WebSocket (/ws), behind the per-launch token and own-Origin checks. A bad frame or call
// gets an error answer and is logged; the host keeps serving everyone else.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, DispatchResult, PushEvent, ServerFrame } from '../../shared/contract';
import { FlowscopeError, type ErrorCode } from '../../shared/errors';
import type { ConnectionStatus } from '../../shared/domain';
import type { Dispatch } from '../core/dispatch';
import type { Logger } from '../core/log/logger';
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
}

export interface WebHost {
  url: string;
  /** The URL to open, token included. */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_METHOD: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN_ORIGIN: 403,
  REDIS_UNAVAILABLE: 503,
  NO_REDIS_BINARY: 503,
  NOT_FOUND: 404,
  READ_ONLY: 409,
  REFUSED: 409,
  INTERNAL: 500,
};

function contentSecurityPolicy(identity: HostIdentity): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://${identity.host}:${identity.port} ws://localhost:${identity.port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new FlowscopeError('BAD_REQUEST', `Request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON text; a FlowscopeError BAD_REQUEST when it is not JSON. */
function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FlowscopeError('BAD_REQUEST', `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates a WebSocket frame's envelope; the dispatcher validates its arguments. */
export function parseClientFrame(raw: string): ClientFrame {
  const value = parseJson(raw, 'Frame');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FlowscopeError('BAD_REQUEST', 'Frame must be a JSON object {id, method, args}');
  }
  const frame = value as Record<string, unknown>;
  if (typeof frame.id !== 'number' || !Number.isSafeInteger(frame.id)) {
    throw new FlowscopeError('BAD_REQUEST', 'Frame needs an integer "id"');
  }
  if (typeof frame.method !== 'string') throw new FlowscopeError('BAD_REQUEST', 'Frame needs a string "method"');
  return { id: frame.id, method: frame.method, args: frame.args };
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core, log } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(18).toString('base64url');
  const identity: HostIdentity = { host, port: 0, token };

  const answerHttp = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const gate = checkRequest(identity, url, req.headers);
    if (!gate.ok) {
      log.warn('refused http request', { path: url.pathname, code: gate.code, origin: req.headers.origin });
      sendJson(res, gate.status, { ok: false, error: { code: gate.code, message: gate.message } });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') {
        sendJson(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: 'Use POST for API calls' } });
        return;
      }
      let result: DispatchResult;
      try {
        const args = parseJson(await readBody(req), 'Request body');
        result = await core.dispatch(decodeURIComponent(url.pathname.slice('/api/'.length)), args);
      } catch (err) {
        const error = err instanceof FlowscopeError ? err : new FlowscopeError('BAD_REQUEST', String(err));
        log.warn('refused http call', { path: url.pathname, code: error.code, message: error.message });
        result = { ok: false, error: error.toPayload() };
      }
      sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: 'Method not allowed' } });
      return;
    }
    const file = resolveStatic(options.staticDir, url.pathname) ?? resolveStatic(options.staticDir, '/');
    if (!file) {
      sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'The renderer is not built: run `npm run build`' } });
      return;
    }
    const headers: Record<string, string> = {
      'content-security-policy': contentSecurityPolicy(identity),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    sendFile(res, file, headers);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    answerHttp(req, res, url).catch((err: unknown) => {
      log.error('http handler failed', { message: String(err) });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const gate = url.pathname === '/ws' ? checkRequest(identity, url, req.headers) : ({ ok: false, status: 403, code: 'FORBIDDEN_ORIGIN', message: 'Unknown WebSocket path' } as const);
    if (!gate.ok) {
      log.warn('refused websocket upgrade', { code: gate.code, origin: req.headers.origin });
      const body = JSON.stringify({ ok: false, error: { code: gate.code, message: gate.message } });
      socket.end(
        `HTTP/1.1 ${gate.status} ${gate.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    // Each socket is one session: its flow views end with it.
    const session = `ws-${randomUUID()}`;
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = core.onEvent((push) => send({ push }), session);
    // A client that (re)connects learns the connection state at once.
    send({ push: { event: 'connectionStatus', payload: core.status() } });
    ws.on('message', (data, isBinary) => {
      let frame: ClientFrame;
      try {
        if (isBinary) throw new FlowscopeError('BAD_REQUEST', 'Binary frames are not accepted');
        frame = parseClientFrame(data.toString());
      } catch (err) {
        const error = err instanceof FlowscopeError ? err : new FlowscopeError('BAD_REQUEST', String(err));
        log.warn('refused websocket frame', { code: error.code, message: error.message });
        send({ id: null, ok: false, error: error.toPayload() });
        return;
      }
      void core.dispatch(frame.method, frame.args, session).then((result) => send({ id: frame.id, ...result }));
    });
    ws.on('close', () => {
      sockets.delete(ws);
      unsubscribe();
      core.closeSession(session);
    });
    ws.on('error', (err) => log.warn('websocket error', { message: err.message }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
