// The one module that names BullMQ's keys (shared/job-keys.ts) and buckets (shared/buckets.ts).
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketKey, bucketOfSuffix, BUCKET_KEY_SUFFIX } from '../../shared/buckets';
import { jobKey, parseJobKey, queueKeyOf, queueKeys, queueKeysOf, splitJobKey } from '../../shared/job-keys';

describe('job keys', () => {
  it('splits P:Q:id with queue names that hold ":" under the known prefix', () => {
    expect(parseJobKey('bull:emails:42', 'bull')).toEqual({ queueKey: 'bull:emails', queue: 'emails', id: '42' });
    expect(parseJobKey('bull:billing:invoices:7', 'bull')).toEqual({ queueKey: 'bull:billing:invoices', queue: 'billing:invoices', id: '7' });
    expect(parseJobKey('my:prefix:legacy:queue:9', 'my:prefix')).toMatchObject({ queue: 'legacy:queue', id: '9' });
    expect(parseJobKey('{flows}:a:b:c:x', '{flows}')).toMatchObject({ queue: 'a:b:c', id: 'x' });
  });

  it("falls back to BullMQ's parseNodeKey under another prefix, and refuses what is not a job key", () => {
    expect(parseJobKey('other:deep:emails:42', 'bull')).toEqual({ queueKey: 'other:deep:emails', queue: 'emails', id: '42' });
    expect(parseJobKey('bull:broken', 'bull')).toBeNull();
    expect(parseJobKey('lonely', 'bull')).toBeNull();
    expect(parseJobKey('bull:q:', 'bull')).toBeNull();
    expect(parseJobKey('bull::1', 'bull')).toBeNull();
  });

  it('splits a key the way destructureJobKey.lua does: the id after the last ":"', () => {
    expect(splitJobKey('bull:a:b:1')).toEqual({ queueKey: 'bull:a:b', id: '1' });
    expect(splitJobKey('lonely')).toEqual({ queueKey: '', id: 'lonely' });
    expect(queueKeyOf('bull:q:1')).toBe('bull:q');
    expect(queueKeysOf(['bull:a:1', 'bull:b:2', 'bull:a:3', 'nope'])).toEqual(['bull:a', 'bull:b']);
    expect(jobKey('bull', 'emails', '7')).toBe('bull:emails:7');
  });

  it("names a queue's keys as BullMQ's QueueKeys does", () => {
    const k = queueKeys('bull:emails');
    expect([k.wait, k.waitingChildren, k.events, k.meta, k.legacyPriority]).toEqual([
      'bull:emails:wait',
      'bull:emails:waiting-children',
      'bull:emails:events',
      'bull:emails:meta',
      'bull:emails:priority',
    ]);
  });
});

describe('buckets', () => {
  it('maps each bucket to its Redis key, the ignored bucket being the `:failed` hash', () => {
    expect(BUCKETS.map((b) => bucketKey('bull:q:1', b))).toEqual([
      'bull:q:1:processed',
      'bull:q:1:dependencies',
      'bull:q:1:unsuccessful',
      'bull:q:1:failed',
    ]);
    expect(bucketOfSuffix('failed')).toBe('ignored');
    expect(bucketOfSuffix('unsuccessful')).toBe('failed');
    expect(bucketOfSuffix('wait')).toBeUndefined();
    expect(BUCKETS.every((b) => bucketOfSuffix(BUCKET_KEY_SUFFIX[b]) === b)).toBe(true);
  });
});
