// Builds a FlowNode from what load-level.lua returned for one job and where the walk found it.
// Its free texts (name, failedReason) are cut at MAX_NODE_TEXT_BYTES (shared/answer-limits.ts),
// so a tree's answer is bounded by its node count; getJobField reads them whole.
import type { Bucket, FlowNode } from '../../../shared/domain';
import { jobKeyPartsOf } from '../../../shared/job-keys';
import type { LevelRecord } from './load-level';
import { parseJobHash } from './parse-job-hash';
import { cutText } from '../../../shared/answer-limits';

/** Where a node sits: listed by a parent in one of its buckets, or the root of a view. */
export type Placement =
  | { kind: 'child'; parentKey: string; bucket: Bucket; depth: number }
  | { kind: 'root'; depth: number; /** Its parentKey names an existing job hash. */ parentExists: boolean };

export function toFlowNode(prefix: string, record: LevelRecord, placement: Placement): FlowNode {
  // A key that is not `P:Q:id` still gets a node (with errors): its queue key stands for the queue.
  const { queue, id } = jobKeyPartsOf(record.key, prefix);
  const errors = [...record.errors];
  const isJob = record.kind === 'hash';
  if (record.kind === 'none') errors.unshift('job hash is missing');
  const hash = parseJobHash(isJob ? record.fields : []);
  errors.push(...hash.errors);

  let parentKey: string | null;
  let bucket: Bucket | null;
  if (placement.kind === 'child') {
    parentKey = placement.parentKey;
    bucket = placement.bucket;
    if (isJob) {
      if (hash.parentKey === null) errors.push('has no parentKey although a parent lists it');
      else if (hash.parentKey !== parentKey) errors.push(`its parentKey points to ${hash.parentKey}`);
      if (hash.parentField === 'absent') errors.push('has no parent field');
    }
  } else {
    // docs/SPEC.md §8: a view root with a parent still shows its link, as BullMQ's getDependencies
    // on that parent would place it.
    parentKey = hash.parentKey;
    bucket = record.parentBuckets[0] ?? null;
    if (record.parentBuckets.length > 1) errors.push(`its parent lists it in ${record.parentBuckets.join(' and ')}`);
    const removedOnFailure = hash.policy === 'remove' && record.state === 'failed';
    if (parentKey !== null && bucket === null && !removedOnFailure && placement.parentExists) errors.push('no bucket of its parent holds it');
  }

  // A listed child whose hash has no `parent` JSON gets no policy treatment from BullMQ: none.
  // One whose `parent` JSON is unreadable has no knowable policy (BullMQ's Lua would fail on it).
  const policy = hash.parentField === 'absent' && placement.kind === 'child' && isJob ? 'none' : hash.policy;
  const node: FlowNode = {
    key: record.key,
    queue,
    id,
    name: cutText(hash.name),
    state: record.state,
    parentKey,
    bucket,
    policy: parentKey === null ? null : policy,
    attemptsMade: hash.attemptsMade,
    attempts: hash.attempts,
    timestamp: hash.timestamp,
    processedOn: hash.processedOn,
    finishedOn: hash.finishedOn,
    delay: hash.delay,
    priority: hash.priority,
    failedReason: cutText(hash.failedReason),
    blocking: record.state === 'failed' && bucket === 'unprocessed',
    childCounts: record.counts,
    depth: placement.depth,
  };
  if (errors.length > 0) node.error = errors.join('; ');
  return node;
}
