// The one entry point every transport calls: validates the method name and its arguments
// against the contract, runs the handler, and turns every outcome into a DispatchResult.
// Bad input is refused before any handler runs, so it changes nothing.
import { z } from 'zod';
import {
  changesRedis,
  isMethodName,
  methods,
  type DispatchResult,
  type MethodArgs,
  type MethodName,
  type MethodOutput,
} from '../../shared/contract';
import { FlowscopeError, toErrorPayload } from '../../shared/errors';
import { clip, type Logger } from './log/logger';

/** Who is calling: one session per WebSocket connection or desktop window (subscriptions belong to it). */
export interface CallContext {
  session: string;
}

export type Handlers = {
  [M in MethodName]: (args: MethodArgs<M>, call: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
};
export type Dispatch = (method: unknown, args: unknown, session?: string) => Promise<DispatchResult>;

/** The session of calls that come without one (HTTP API calls, the CLI). */
export const ANONYMOUS_SESSION = 'anonymous';

/** ioredis errors that mean "Redis is not reachable right now". */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|^Command timed out/.test(error.message)
  );
}

/** The rules dispatch holds for every method, declared in the contract. */
export interface DispatchRules {
  /** Whether the connection in use is read-only: calls that would change Redis are refused. */
  readOnly(): boolean;
  /** Told of each such refusal before it is answered (the actions audit theirs). */
  onReadOnlyRefusal?(method: MethodName, args: unknown, error: FlowscopeError): Promise<void> | void;
}

// A test seam: exported for test/unit/dispatch.test.ts, which checks the refusal by its words.
export const READ_ONLY_MESSAGE = 'This connection is read-only: repairs, removals and scenarios (anything that changes Redis) are disabled';

export function createDispatch(handlers: Handlers, log: Logger, rules?: DispatchRules): Dispatch {
  return async (method, args, session = ANONYMOUS_SESSION) => {
    if (!isMethodName(method)) {
      // The name came from outside: answered and logged only in part (a fuzzer sends 500 KB names).
      const error = new FlowscopeError('UNKNOWN_METHOD', `Unknown method: ${clip(JSON.stringify(method) ?? String(method))}`);
      log.warn('refused call', { method: clip(String(method)), code: error.code });
      return { ok: false, error: error.toPayload() };
    }
    const parsed = methods[method].input.safeParse(args ?? {});
    if (!parsed.success) {
      const error = new FlowscopeError('BAD_REQUEST', `Invalid arguments for ${method}: ${z.prettifyError(parsed.error)}`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      });
      log.warn('refused call', { method, code: error.code, message: clip(error.message) });
      return { ok: false, error: error.toPayload() };
    }
    if (rules?.readOnly() && changesRedis(method, parsed.data)) {
      const error = new FlowscopeError('READ_ONLY', READ_ONLY_MESSAGE);
      try {
        await rules.onReadOnlyRefusal?.(method, parsed.data, error);
      } catch (err) {
        log.error('could not record a refused call', { method, message: clip((err as Error).message) });
      }
      return { ok: false, error: error.toPayload() };
    }
    try {
      const handler = handlers[method] as (a: unknown, c: CallContext) => Promise<unknown> | unknown;
      return { ok: true, result: await handler(parsed.data, { session }) };
    } catch (err) {
      const payload = isConnectionError(err)
        ? new FlowscopeError(
            'REDIS_UNAVAILABLE',
            /^Command timed out/.test((err as Error).message)
              ? 'Redis did not answer in time (it may be paused, busy or cut off); a change this call was making may still complete when Redis answers: the audit log records actions'
              : `Redis is not reachable: ${(err as Error).message}`,
          ).toPayload()
        : toErrorPayload(err);
      if (payload.code === 'INTERNAL') log.error('call failed', { method, message: clip(payload.message, 2000) });
      else log.warn('call failed', { method, code: payload.code, message: clip(payload.message, 2000) });
      return { ok: false, error: payload };
    }
  };
}
