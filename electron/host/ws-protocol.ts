// One WebSocket client of the web host (/ws): one core session (its flow views end with the
// socket), the connection state pushed as soon as it connects, a frame per call answered with
// its id, a bad frame answered with id null and logged. Its calls go through the host's call
// pool (call-queue.ts); its unread output is bounded twice: past a quarter of the bound its
// pushes are held back (held-pushes.ts: what it missed is noted, and once it has read it gets
// the latest of each and a fresh snapshot of each view that changed meanwhile: a resync, not a
// backlog), and past the bound itself (its answers pile up: it reads nothing at all) it is
// disconnected (it reconnects and resyncs when it reads again).
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ClientFrame, DispatchResult, PushEvent, ServerFrame } from '../../shared/contract';
import type { ConnectionStatus, FlowSnapshot } from '../../shared/domain';
import { FlowscopeError } from '../../shared/errors';
import { attachSession } from '../core/client-session';
import type { Dispatch } from '../core/dispatch';
import { clip, type Logger } from '../core/log/logger';
import { MAX_CALLS_IN_FLIGHT, MAX_CALLS_QUEUED, type CallPool } from './call-queue';
import { HeldPushes } from './held-pushes';
import { parseClientFrame } from './request-input';

export interface HostedCore {
  dispatch: Dispatch;
  status(): ConnectionStatus;
  onEvent(listener: (event: PushEvent) => void, session?: string): () => void;
  closeSession(session: string): void;
}

/**
 * Output waiting for one WebSocket client to read it, at most: past this the client is
 * disconnected. Answers are bounded by the calls-in-flight limit, pushes (live patches) by
 * PUSH_SHARE of it (then held back), but BUSY refusals are not, and a client that never reads
 * would otherwise grow the host's memory without end.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** The share of MAX_BUFFERED_BYTES (or the host's own bound) past which pushes are held back; they go again once half of that is read. */
export const PUSH_SHARE = 1 / 4;

export interface SocketContext {
  core: HostedCore;
  log: Logger;
  calls: CallPool;
  /** Unsent bytes past which the client is disconnected. */
  maxBuffered: number;
}

/** Serves one WebSocket client until it closes. */
export function serveSocket(ws: WebSocket, { core, log, calls, maxBuffered }: SocketContext): void {
  const pushLimit = Math.floor(maxBuffered * PUSH_SHARE);
  const held = new HeldPushes();
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
      // Each write, once the socket has taken it, may find a client that was behind reading again.
      ws.send(JSON.stringify(frame), () => {
        done?.();
        catchUp();
      });
    } catch (err) {
      log.error('websocket send failed', { message: clip(String(err)) });
      done?.();
    }
  };
  const push = (event: PushEvent) => {
    if (!held.passes(event)) return catchUp();
    if (held.held === 0 && ws.bufferedAmount <= pushLimit) return send({ push: event });
    if (held.held === 0) log.warn('websocket client is behind: its pushes are held back', { buffered: ws.bufferedAmount, limit: pushLimit });
    held.hold(event);
    catchUp();
  };
  /** A client that was behind and has read half of the push limit gets what it is owed. */
  const catchUp = () => {
    if (held.held === 0 || ws.readyState !== ws.OPEN || ws.bufferedAmount > pushLimit / 2) return;
    const owed = held.take();
    log.info('websocket client reads again: caught up', { views: owed.views.length, pushes: owed.pushes.length });
    for (const event of owed.pushes) push(event);
    for (const view of owed.views) {
      void client
        .call('resyncFlow', { subscriptionId: view })
        .then((result) => {
          for (const event of held.caughtUp(view, result.ok ? (result.result as FlowSnapshot) : null)) push(event);
        });
    }
  };
  const client = attachSession(core, `ws-${randomUUID()}`, push);
  // A client that (re)connects learns the connection state at once.
  push({ event: 'connectionStatus', payload: core.status() });

  // A call's slot is freed once its answer is handed to the socket (the write callback).
  const queue = calls.join(
    (frame, release) => {
      client
        .call(frame.method, frame.args)
        .catch((err: unknown): DispatchResult => ({ ok: false, error: new FlowscopeError('INTERNAL', clip(String(err))).toPayload() }))
        .then((result) => send({ id: frame.id, ...result }, release));
    },
    () => ws.readyState === ws.OPEN,
  );

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
    if (!queue.offer(frame)) {
      log.warn('refused websocket frame', { code: 'BUSY', method: clip(frame.method) });
      send({
        id: frame.id,
        ok: false,
        error: { code: 'BUSY', message: `${MAX_CALLS_IN_FLIGHT} calls of this client are running and ${MAX_CALLS_QUEUED} waiting: wait for answers before sending more` },
      });
    }
  });
  ws.on('close', () => {
    queue.close();
    client.close();
  });
  ws.on('error', (err) => log.warn('websocket error', { message: clip(err.message) }));
}
