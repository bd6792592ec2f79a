// POST /api/<method>: one contract call per request, its JSON body the arguments, the answer a
// DispatchResult with the status of its error code (http-reply.ts). Bounded: a body over
// MAX_BODY is a 413, more than MAX_HTTP_CALLS_IN_FLIGHT calls at once a 429 BUSY. Live views
// are refused here: they belong to a WebSocket, whose close ends them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DispatchResult } from '../../shared/contract';
import { FlowscopeError } from '../../shared/errors';
import type { Dispatch } from '../core/dispatch';
import { clip, type Logger } from '../core/log/logger';
import { HTTP_STATUS, refusal, sendJson } from './http-reply';
import { MAX_BODY, parseJson, readBody } from './request-input';

// A test seam: exported for the host's limit tests (test/integration/reliability/host-call-limits.test.ts).
/** Plain HTTP calls running at once over all connections; beyond, 429 BUSY. */
export const MAX_HTTP_CALLS_IN_FLIGHT = 32;
/** Live views belong to a WebSocket (they end with it); over HTTP they could never end. */
const WEBSOCKET_ONLY = new Set(['subscribeFlow', 'resyncFlow', 'unsubscribeFlow']);

/** The /api/ route: answers one request whose path starts with /api/ (its gate already passed). */
export function httpApi(core: { dispatch: Dispatch }, log: Logger): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  let inFlight = 0;
  return async (req, res, url) => {
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
    if (inFlight >= MAX_HTTP_CALLS_IN_FLIGHT) {
      log.warn('refused http call', { method: clip(method), code: 'BUSY' });
      sendJson(res, 429, refusal('BUSY', `${MAX_HTTP_CALLS_IN_FLIGHT} HTTP calls are running: try again when one has answered`));
      return;
    }
    let result: DispatchResult;
    inFlight++;
    try {
      result = await core.dispatch(method, parseJson(body, 'Request body'));
    } catch (err) {
      const error = err instanceof FlowscopeError ? err : new FlowscopeError('BAD_REQUEST', clip(String(err)));
      log.warn('refused http call', { path: clip(url.pathname), code: error.code, message: clip(error.message) });
      result = { ok: false, error: error.toPayload() };
    } finally {
      inFlight--;
    }
    sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
  };
}
