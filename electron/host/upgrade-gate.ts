// The WebSocket upgrade's gate: only /ws, only with the token, from the host's own Origin and
// Host (host-guards.ts), and only while fewer than MAX_WEBSOCKET_CLIENTS are connected. A
// refused upgrade is answered on the raw socket (JSON, like every refusal) and closed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { ErrorCode } from '../../shared/errors';
import { clip, type Logger } from '../core/log/logger';
import { checkRequest, type GateVerdict, type HostIdentity } from './host-guards';
import { refusal } from './http-reply';
import { parseTarget } from './request-input';

// A test seam: exported for the host's limit tests (test/integration/reliability/host-answer-bounds.test.ts).
/**
 * WebSocket clients connected at once; one more is refused (503 BUSY) until one closes. With the
 * per-client bounds (calls, unread output) this bounds what clients can hold of the host.
 */
export const MAX_WEBSOCKET_CLIENTS = 64;

type UpgradeStatus = 400 | 401 | 403 | 500 | 503;
const REASONS: Record<UpgradeStatus, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers a refused upgrade on the raw socket and closes it. */
function refuseUpgrade(socket: Duplex, status: UpgradeStatus, code: ErrorCode, message: string): void {
  const body = JSON.stringify(refusal(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface UpgradeContext {
  identity: HostIdentity;
  log: Logger;
  wss: WebSocketServer;
  /** WebSocket clients connected now. */
  clients(): number;
}

/** The server's 'upgrade' listener: checks the request, then hands the socket to ws. */
export function upgradeGate({ identity, log, wss, clients }: UpgradeContext): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
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
      const gate: GateVerdict =
        url.pathname === '/ws' ? checkRequest(identity, url, req.headers) : { ok: false, status: 403, code: 'FORBIDDEN_ORIGIN', message: 'Unknown WebSocket path' };
      if (!gate.ok) {
        log.warn('refused websocket upgrade', { code: gate.code, origin: clip(req.headers.origin ?? '') });
        refuseUpgrade(socket, gate.status, gate.code, gate.message);
        return;
      }
      if (clients() >= MAX_WEBSOCKET_CLIENTS) {
        log.warn('refused websocket upgrade', { code: 'BUSY', clients: clients() });
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
  };
}
