// What the repair actions take and return. Keys are full Redis keys `P:Q:id`, as in the CLI's
// JSON (SPEC §8); a preview returns the same shape as the real run.

export interface SkippedJob {
  key: string;
  reason: string;
}

export interface RetryOptions {
  /** Keep `atm` / `ats` (attempts made / started) instead of resetting them. */
  keepAttempts?: boolean;
  /** Also retry failed children that a newer child of the same queue and name superseded. */
  includeSuperseded?: boolean;
}

export interface RetryResult {
  /** Failed jobs moved back to wait (or prioritized), in the order they became runnable. */
  retried: string[];
  /** Jobs moved back to waiting-children: the parent, its ancestors, then reopened descendants. */
  reopened: string[];
  skipped: SkippedJob[];
}

export interface RemoveUnprocessedResult {
  /** Every job removed: the parent's unstarted children and everything under them. */
  removed: string[];
  /** The parent's pending children left in place, and why. */
  skipped: SkippedJob[];
  /** Children still in the parent's `:dependencies` because of this action's skips. */
  stillBlocking: string[];
  /** True when the removal empties `:dependencies` and the parent moves from waiting-children to wait. */
  releasesParent: boolean;
}

export interface RemoveJobResult {
  /** The job and every job under it. */
  removed: string[];
  /** The job's parent when removing the job released it from waiting-children, else null. */
  releasedParent: string | null;
}

export interface PromoteResult {
  promoted: string;
  /** Where it went: `waiting`, or `prioritized` for a job with a priority. */
  state: 'waiting' | 'prioritized';
}
