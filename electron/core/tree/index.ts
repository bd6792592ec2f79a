// The flow-tree loader's public face: loadTree for a job's subtree, loadChildrenPage for the
// next page of a truncated bucket.
export { loadTree, type LoadTreeOptions } from './tree-loader';
export { DEFAULT_DEPTH, DEFAULT_PAGE_SIZE, DEFAULT_MAX_NODES, MAX_PAGE_SIZE } from './tree-options';
export { loadChildrenPage, type ChildrenPage, type ChildrenPageOptions } from './children-page';
export { jobKey, type JobKeyParts } from '../../../shared/job-keys';
import { parseJobKey, splitJobKey, type JobKeyParts } from '../../../shared/job-keys';

/** TEMPORARY (issue 11 sweep): the old argument order; callers move to parseJobKey(key, prefix). */
export function jobKeyParts(prefix: string, key: string): JobKeyParts {
  const split = splitJobKey(key);
  return parseJobKey(key, prefix) ?? { queueKey: split.queueKey, queue: split.queueKey, id: split.id };
}
