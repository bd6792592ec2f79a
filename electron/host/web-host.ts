// The local web host: the built renderer and the contract over HTTP (POST /api/<method>) and
// WebSocket (/ws), behind the per-launch token and own-Origin checks. A bad frame or call
// gets an error answer and is logged; the host keeps serving everyone else. Nothing a client
// sends may stop it: every listener is guarded (a target that is not a path is a 400, a body
// over 1 MiB a 413), what is logged of a client's input is clipped, and each WebSocket client
// has a bounded number of calls running and waiting and a bounded amount of output waiting for
// it to read (docs/RELIABILITY.md). This file wires the parts: the gate (host-guards.ts), the
// API route (http-api.ts), the renderer's files (static-files.ts), the upgrade gate
// (upgrade-gate.ts) and each WebSocket client (ws-protocol.ts, call-queue.ts).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { clip, type Logger } from '../core/log/logger';
import { createCallPool } from './call-queue';
import { checkRequest, type HostIdentity } from './host-guards';
import { httpApi } from './http-api';
import { refusal, sendJson } from './http-reply';
import { MAX_BODY, parseTarget } from './request-input';
import { rendererFiles } from './static-files';
import { upgradeGate } from './upgrade-gate';
import { MAX_BUFFERED_BYTES, serveSocket, type HostedCore } from './ws-protocol';

export type { HostedCore } from './ws-protocol';

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

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core, log } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(18).toString('base64url');
  const identity: HostIdentity = { host, port: 0, token };

  const api = httpApi(core, log);
  const files = rendererFiles(options.staticDir, identity, log);
  const answerHttp = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const gate = checkRequest(identity, url, req.headers);
    if (!gate.ok) {
      log.warn('refused http request', { path: clip(url.pathname), code: gate.code, origin: clip(req.headers.origin ?? '') });
      sendJson(res, gate.status, refusal(gate.code, gate.message));
      return;
    }
    if (url.pathname.startsWith('/api/')) await api(req, res, url);
    else files(req, res, url);
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
  server.on('upgrade', upgradeGate({ identity, log, wss, clients: () => sockets.size }));

  const calls = createCallPool();
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    serveSocket(ws, { core, log, calls, maxBuffered });
    ws.on('close', () => sockets.delete(ws));
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
