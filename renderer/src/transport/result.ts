// Turns a DispatchResult into a value or a thrown FlowscopeError, for both clients.
import type { DispatchResult } from '../../../shared/contract';
import { FlowscopeError } from '../../../shared/errors';

export function unwrap<T>(result: DispatchResult): T {
  if (result.ok) return result.result as T;
  throw FlowscopeError.fromPayload(result.error);
}
