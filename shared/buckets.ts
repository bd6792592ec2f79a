// A parent's four child buckets, one name each, and the one map from a bucket to its Redis key,
// as Job.getDependencies() names and reads them (docs/BULLMQ-FLOWS.md):
//   processed    <job>:processed     hash  child key -> return value
//   unprocessed  <job>:dependencies  set   children still to finish (a failed child with no
//                                          policy stays here and blocks the parent)
//   failed       <job>:unsuccessful  zset  children that failed under failParentOnFailure
//   ignored      <job>:failed        hash  children that failed under ignoreDependencyOnFailure /
//                                          continueParentOnFailure (child key -> reason)
// Note the trap this map exists for: the Redis key `:failed` holds the *ignored* bucket. The Lua
// side has its own one copy of this table (tree/list-bucket.lua BUCKET_SUFFIX).

export const BUCKETS = ['processed', 'unprocessed', 'failed', 'ignored'] as const;
export type Bucket = (typeof BUCKETS)[number];

export const BUCKET_KEY_SUFFIX = {
  processed: 'processed',
  unprocessed: 'dependencies',
  failed: 'unsuccessful',
  ignored: 'failed',
} as const satisfies Record<Bucket, string>;
/** The last segment of a bucket's key: what BullMQ's scripts call the bucket. */
export type BucketKeySuffix = (typeof BUCKET_KEY_SUFFIX)[Bucket];

/** The Redis key of one bucket of a job. */
export function bucketKey(jobKey: string, bucket: Bucket): string {
  return `${jobKey}:${BUCKET_KEY_SUFFIX[bucket]}`;
}

/** The same map the other way: the bucket a key suffix names (`dependencies` -> unprocessed). */
export const BUCKET_OF_SUFFIX = Object.fromEntries(BUCKETS.map((b) => [BUCKET_KEY_SUFFIX[b], b])) as Record<BucketKeySuffix, Bucket>;

// A test seam: exported for test/unit/job-keys.test.ts (no code reads a bucket from a key suffix yet).
/** The bucket a key suffix names, if it names one. */
export function bucketOfSuffix(suffix: string): Bucket | undefined {
  return Object.hasOwn(BUCKET_OF_SUFFIX, suffix) ? BUCKET_OF_SUFFIX[suffix as BucketKeySuffix] : undefined;
}
