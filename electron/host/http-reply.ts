// The web host's answers over HTTP: JSON, never cached; a refusal's shape; the status of each
// error code.
import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../shared/errors';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_METHOD: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN_ORIGIN: 403,
  REDIS_UNAVAILABLE: 503,
  NO_REDIS_BINARY: 503,
  NOT_FOUND: 404,
  READ_ONLY: 409,
  REFUSED: 409,
  BUSY: 429,
  INTERNAL: 500,
};

/** A refused call or request, shaped like a failed DispatchResult. */
export function refusal(code: ErrorCode, message: string): { ok: false; error: { code: ErrorCode; message: string } } {
  return { ok: false, error: { code, message } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
