import type { Bucket } from '../../../../shared/domain';

/** The id of the group node that stands for a cut bucket (also the id of its page loads). */
export function groupNodeId(parentKey: string, bucket: Bucket): string {
  return `group:${bucket}:${parentKey}`;
}
