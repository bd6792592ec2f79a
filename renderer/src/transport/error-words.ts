// Turns whatever a call threw into a sentence for people: the core's errors already carry one;
// anything else (a bug, a lost socket) gets a plain fallback instead of a stack.
import { FlowscopeError } from '../../../shared/errors';

export function errorInWords(error: unknown): string {
  if (error instanceof FlowscopeError) {
    if (error.code === 'REDIS_UNAVAILABLE') return `Redis is not reachable right now. ${error.message}`;
    return error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong, and the core gave no reason.';
}

export function errorCode(error: unknown): string | null {
  return error instanceof FlowscopeError ? error.code : null;
}
