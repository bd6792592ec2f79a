// The repair actions (docs/SPEC.md §6) as plain functions over an ioredis connection and a prefix.
// Each throws FlowscopeError: NOT_FOUND (no such job), BAD_REQUEST (not a job key of the
// prefix, or a job in the wrong state), REFUSED (an active job in the way, an untested BullMQ
// version, or Redis changing under the action).
export type { PromoteResult, RemoveJobResult, RemoveUnprocessedResult, RetryOptions, RetryResult, SearchOptions, SkippedJob } from './types';
export { previewRetryFailedChildren, retryFailedChildren } from './retry-failed-children';
export { previewRemoveUnprocessed, removeUnprocessed } from './remove-unprocessed';
export { previewRemoveJob, previewRetryJob, promoteJob, removeJob, retryJob } from './everyday-actions';
export {
  assertCompatible,
  COMPATIBILITY,
  judgeVersion,
  readQueueCompat,
  TESTED_RANGES,
  type CompatRange,
  type LayoutFacts,
  type ScriptLayouts,
} from './version-guard';
