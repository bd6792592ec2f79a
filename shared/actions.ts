// The repair actions as they cross the contract: what they return (a preview returns the same
// shape as the real run; keys are full Redis keys P:Q:id) and what the audit log holds.

export interface SkippedJob {
  key: string;
  reason: string;
}

/**
 * What an action (or its preview) cost, as `FlowTree.stats` for a tree: wall time in the core
 * and Redis round trips (a pipeline or a batch of scripts sent together counts once; SCAN
 * calls each count). Set by the core on every answer; optional so that values built by hand
 * (tests, the renderer's placeholders) still type.
 */
export interface ActionStats {
  ms: number;
  roundTrips: number;
}

export interface RetryResult {
  /** Failed jobs moved back to wait (or prioritized), in the order they became runnable. */
  retried: string[];
  /** Jobs moved back to waiting-children: the parent, its ancestors, then reopened descendants. */
  reopened: string[];
  skipped: SkippedJob[];
  stats?: ActionStats;
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
  stats?: ActionStats;
}

export interface RemoveJobResult {
  /** The job and every job under it. */
  removed: string[];
  /** The job's parent when removing the job released it from waiting-children, else null. */
  releasedParent: string | null;
  stats?: ActionStats;
}

export interface PromoteResult {
  promoted: string;
  /** Where it went: `waiting`, or `prioritized` for a job with a priority. */
  state: 'waiting' | 'prioritized';
  stats?: ActionStats;
}

export type AuditOutcome = 'ok' | 'refused' | 'error';

export interface AuditEntry {
  /** ISO 8601. */
  time: string;
  /** Where the action ran (a Redis URL, `sandbox`, a connection name), never with a password. */
  connection: string;
  action: string;
  /** The job the action started from (the parent for the two repair actions). */
  parent: string | null;
  /**
   * The root of the flow that job was in when the action ran, so a flow's history still finds
   * the entry after the job is gone. Entries written before it was recorded have none.
   */
  rootKey?: string;
  /** Keys the action changed (in a listAudit answer, at most MAX_AUDIT_CHANGED_KEYS of them). */
  changed: string[];
  /** How many keys it changed, when `changed` was cut for the answer (shared/answer-limits.ts). */
  changedTotal?: number;
  outcome: AuditOutcome;
  message?: string;
}

/** The audit entries that name a flow's jobs (listFlowHistory), newest first. */
export interface FlowHistory {
  entries: AuditEntry[];
  /**
   * False when older entries may exist that were not looked at: the answer hit its limit, or the
   * log is longer than one question reads back (electron/core/audit/flow-history.ts).
   */
  complete: boolean;
}
