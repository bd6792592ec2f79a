// The renderer's one result shape: a DispatchResult turns into a value or a thrown
// FlowscopeError (unwrap), and a call the UI runs on a person's click answers an Outcome (a
// value, or what went wrong in words) instead of throwing into React.
import type { DispatchResult } from '../../../shared/contract';
import { FlowscopeError } from '../../../shared/errors';
import { errorInWords } from './error-words';

export function unwrap<T>(result: DispatchResult): T {
  if (result.ok) return result.result as T;
  throw FlowscopeError.fromPayload(result.error);
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

/** Runs `call`; a thrown error comes back as its words. */
export async function outcomeOf<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, message: errorInWords(err) };
  }
}
