// What the repair actions take and return. Keys are full Redis keys `P:Q:id`, as in the CLI's
// JSON (docs/SPEC.md §8); a preview returns the same shape as the real run.

export type { PromoteResult, RemoveJobResult, RemoveUnprocessedResult, RetryResult, SkippedJob } from '../../../shared/actions';

/** Where the remove-policy search (find-failed-children.ts) finds the queues beyond the subtree's own. */
export interface SearchOptions {
  /**
   * The queue keys `P:Q` known under the prefix: the core passes its queue registry's
   * (queues/queue-registry.ts), so an action lists no keys. Without it, one SCAN for
   * `P:*:failed` zsets, kept LIST_TTL_MS per connection.
   */
  queues?: () => Promise<string[]>;
}

export interface RetryOptions extends SearchOptions {
  /** Keep `atm` / `ats` (attempts made / started) instead of resetting them. */
  keepAttempts?: boolean;
  /** Also retry failed children that a newer child of the same queue and name superseded. */
  includeSuperseded?: boolean;
}
