// The pure pieces of the loader (no Redis needed, kept beside the loader's other tests): how a
// job key splits into queue and id, and how hash fields decode, BullMQ's way.
import { describe, expect, it } from 'vitest';
import { jobKeyParts } from '../../../electron/core/tree';
import { JOB_FIELDS, parseJobHash, policyOf } from '../../../electron/core/tree/parse-job-hash';

const fields = (values: Partial<Record<(typeof JOB_FIELDS)[number], string>>) => JOB_FIELDS.map((f) => values[f] ?? null);

describe('jobKeyParts', () => {
  it('splits P:Q:id with queue names that hold ":" under the known prefix', () => {
    expect(jobKeyParts('bull', 'bull:emails:42')).toEqual({ queueKey: 'bull:emails', queue: 'emails', id: '42' });
    expect(jobKeyParts('bull', 'bull:billing:invoices:7')).toEqual({ queueKey: 'bull:billing:invoices', queue: 'billing:invoices', id: '7' });
    expect(jobKeyParts('{flows}', '{flows}:a:b:c:x')).toMatchObject({ queue: 'a:b:c', id: 'x' });
  });

  it("falls back to BullMQ's parseNodeKey under another prefix", () => {
    expect(jobKeyParts('bull', 'other:deep:emails:42')).toEqual({ queueKey: 'other:deep:emails', queue: 'emails', id: '42' });
    expect(jobKeyParts('bull', 'lonely')).toEqual({ queueKey: '', queue: '', id: 'lonely' });
  });
});

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
