// What the repair actions take and return. Keys are full Redis keys `P:Q:id`, as in the CLI's
// JSON (docs/SPEC.md §8); a preview returns the same shape as the real run.

export type { PromoteResult, RemoveJobResult, RemoveUnprocessedResult, RetryResult, SkippedJob } from '../../../shared/actions';

export interface RetryOptions {
  /** Keep `atm` / `ats` (attempts made / started) instead of resetting them. */
  keepAttempts?: boolean;
  /** Also retry failed children that a newer child of the same queue and name superseded. */
  includeSuperseded?: boolean;
}
