// The pure pieces of the loader (no Redis needed, kept beside the loader's other tests): how
// hash fields decode, BullMQ's way. Job keys: test/unit/job-keys.test.ts.
import { describe, expect, it } from 'vitest';
import { JOB_FIELDS, parseJobHash, policyOf } from '../../../electron/core/tree/parse-job-hash';

const fields = (values: Partial<Record<(typeof JOB_FIELDS)[number], string>>) => JOB_FIELDS.map((f) => values[f] ?? null);

describe('parseJobHash', () => {
  it('decodes numbers, attempts and the policy like rawToJobJson and the Lua do', () => {
    const hash = parseJobHash(
      fields({
        name: 'n',
        opts: '{"attempts":3,"fpof":true}',
        timestamp: '10',
        atm: '2',
        delay: '5',
        parentKey: 'bull:p:1',
        parent: '{"id":"1","queueKey":"bull:p","idof":true}',
      }),
    );
    expect(hash).toMatchObject({ name: 'n', attempts: 3, attemptsMade: 2, timestamp: 10, delay: 5, priority: 0, policy: 'ignore', parentField: 'ok' });
    expect(hash.errors).toEqual([]);
    expect(parseJobHash(fields({ opts: '{"attempts":0}' })).attempts).toBe(1);
    expect(parseJobHash(fields({ attemptsMade: '4', atm: '1' })).attemptsMade).toBe(4);
  });

  it('reads policy flags in the Lua order, with Lua truthiness', () => {
    expect(policyOf({ id: '1' })).toBe('none');
    expect(policyOf({ fpof: true, cpof: true })).toBe('fail-parent');
    expect(policyOf({ fpof: false, rdof: true })).toBe('remove');
    expect(policyOf({ cpof: null })).toBe('continue-parent'); // cjson.null is true in Lua
  });
});
