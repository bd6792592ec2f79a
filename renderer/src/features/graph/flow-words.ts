// What every state, bucket and policy means, in one place: the node badges, the legend and
// the inspector all read from here so they can never disagree.
import type { Bucket, FlowNode, NodeState, Policy } from '../../../../shared/domain';

export const STATE_WORDS: Record<NodeState, string> = {
  completed: 'finished successfully',
  failed: 'failed for good (no attempts left)',
  active: 'being processed by a worker',
  waiting: 'waiting for a worker',
  delayed: 'waiting for its delay to pass',
  prioritized: 'waiting, ordered by priority',
  'waiting-children': 'waiting for its children to finish',
  missing: 'listed by its parent, but the job no longer exists',
  unknown: 'in no state list BullMQ knows',
};

export const BUCKET_WORDS: Record<Bucket, string> = {
  processed: 'finished; the parent has its result',
  unprocessed: 'not finished yet; the parent waits for it',
  failed: 'failed with fail-parent; the parent failed with it',
  ignored: 'failed, and the parent carries on without it',
};

export const POLICY_LABEL: Record<Exclude<Policy, 'none'>, string> = {
  'fail-parent': 'fail-parent',
  'continue-parent': 'continue-parent',
  ignore: 'ignore',
  remove: 'remove',
};

export const POLICY_WORDS: Record<Policy, string> = {
  'fail-parent': 'If it fails, its parent fails too (failParentOnFailure).',
  'continue-parent': 'If it fails, its parent goes on at once without waiting for the rest (continueParentOnFailure).',
  ignore: 'If it fails, the failure is recorded and the parent carries on (ignoreDependencyOnFailure).',
  remove: 'If it fails, it is removed from its parent, which carries on (removeDependencyOnFailure).',
  none: 'No failure policy: if it fails, its parent waits for it for ever.',
};

export const BLOCKING_WORDS = 'failed — blocking parent';
export const BLOCKING_EXPLAINED =
  'Failed with no failure policy, so its parent still counts it as unprocessed and will wait for ever.';

// A test seam: exported for test/unit/renderer-words.test.ts.
/** BullMQ's UnrecoverableError, by the name its stack trace starts with. */
export function isUnrecoverable(stacktrace: readonly string[] | undefined): boolean {
  const last = stacktrace?.[stacktrace.length - 1] ?? '';
  return /^UnrecoverableError\b/.test(last.trimStart());
}

/**
 * What a job's state means for this job. A failed job is "failed for good" only when it used
 * every attempt; one that failed with attempts left says why BullMQ did not retry it (an
 * UnrecoverableError, a child that failed it) instead of claiming there were none left.
 */
export function stateWordsOf(node: Pick<FlowNode, 'state' | 'attemptsMade' | 'attempts' | 'failedReason'>, stacktrace?: readonly string[]): string {
  if (node.state !== 'failed') return STATE_WORDS[node.state];
  if (isUnrecoverable(stacktrace)) return 'failed at once: it threw an UnrecoverableError, which BullMQ never retries';
  if (node.attemptsMade >= node.attempts) return STATE_WORDS.failed;
  if (/^child .* failed/i.test(node.failedReason ?? '')) return 'failed because a child failed it (failParentOnFailure)';
  return 'failed with attempts left that BullMQ did not use';
}

/** The attempts line: "1 of 2 attempts made", and why the rest were not used when it failed early. */
export function attemptsWordsOf(node: Pick<FlowNode, 'state' | 'attemptsMade' | 'attempts'>, stacktrace?: readonly string[]): string | null {
  if (node.state !== 'failed' || node.attemptsMade >= node.attempts) return null;
  const left = node.attempts - node.attemptsMade;
  const unused = `${left} ${left === 1 ? 'attempt' : 'attempts'} not used`;
  return isUnrecoverable(stacktrace) ? `${unused}: an UnrecoverableError ends the job at once` : unused;
}
