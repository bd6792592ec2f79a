// Error codes that cross the contract. The core throws FlowscopeError; transports carry
// { code, message, details } and clients rebuild the same error on their side.

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN_ORIGIN',
  'REDIS_UNAVAILABLE',
  'NO_REDIS_BINARY',
  'NOT_FOUND',
  'READ_ONLY',
  'REFUSED',
  /** Too many calls at once from one client: wait for answers before sending more. */
  'BUSY',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class FlowscopeError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'FlowscopeError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromPayload(payload: ErrorPayload): FlowscopeError {
    return new FlowscopeError(payload.code, payload.message, payload.details);
  }
}

/** Any thrown value as a payload; unknown errors become INTERNAL with their message. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof FlowscopeError) return error.toPayload();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
