// Remove unprocessed on data BullMQ would never write: a parent whose `:dependencies` is not a
// set, and a parent-key cycle A→C→B→A (where removing A's unprocessed children would walk back
// up to A and delete A itself) are refused with a typed error that says what is wrong, before
// anything is written, and the refusal is in the audit log; a child that lists the parent back
// without a parentKey loop is removed without the parent.
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawDump } from '../../helpers/actions-dump';
import { coreForFile } from '../../helpers/core-per-file';
import { writeRawJobs } from '../../helpers/flows';

const { redis, core } = coreForFile({ core: { shell: 'cli' } });
let client: Redis;
let P: string;

beforeAll(() => {
  P = redis.prefix;
  client = redis.client();
});

/** Every key under the prefix with its type, to show nothing was written. */
const dump = () => rawDump(client, P);

describe('remove unprocessed on bad data', () => {
  it('a parent whose :dependencies is a string: REFUSED, saying which key is of which type, nothing written', async () => {
    const { P1: parent, C1: child } = await writeRawJobs(client, `${P}:bad`, { P1: null, C1: 'P1' }, { waiting: ['C1'], dependencies: false });
    await client.set(`${parent}:dependencies`, child);
    const before = await dump();

    for (const dryRun of [true, false]) {
      const result = await core.dispatch('removeUnprocessed', { parentKey: parent, dryRun });
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'REFUSED',
          message: expect.stringMatching(new RegExp(`${parent}:dependencies is a string, not the set`)),
          details: { key: `${parent}:dependencies`, type: 'string', expected: 'set' },
        },
      });
    }
    expect(await dump()).toEqual(before);
    const audit = await core.dispatch('listAudit', { limit: 1 });
    expect(audit).toMatchObject({ ok: true, result: [{ action: 'remove-unprocessed', parent, outcome: 'refused' }] });
  });

  it('a parent-key cycle A→C→B→A: REFUSED (removing under A would delete A), nothing written', async () => {
    // A lists C, C lists B, B lists A; each one's parentKey is the one that lists it.
    const { A: a, B: b, C: c } = await writeRawJobs(client, `${P}:cyc`, { A: 'B', B: 'C', C: 'A' });
    const before = await dump();

    for (const dryRun of [true, false]) {
      const result = await core.dispatch('removeUnprocessed', { parentKey: a, dryRun });
      expect(result).toMatchObject({ ok: false, error: { code: 'REFUSED', message: expect.stringMatching(/cycle/) } });
      expect(result.ok || (result.error.details as { cycle: string[] }).cycle).toEqual([b, c]);
    }
    expect(await dump()).toEqual(before);
    expect(await client.exists(a)).toBe(1);
  });

  it('a child whose bucket lists the parent back (C lists A, no parentKey loop): C goes, A stays, as the preview says', async () => {
    const { A: a, C: c } = await writeRawJobs(client, `${P}:loop`, { A: null, C: 'A' }, { version: 'bullmq:6.7.0' });
    await client.sadd(`${c}:dependencies`, a);
    const preview = await core.dispatch('removeUnprocessed', { parentKey: a, dryRun: true });
    expect(preview).toMatchObject({ ok: true, result: { removed: [c] } });
    // Before, the script's subtree walk went C → A and deleted the parent itself.
    const run = await core.dispatch('removeUnprocessed', { parentKey: a });
    expect(run).toMatchObject({ ok: true, result: { removed: [c] } });
    expect(await client.exists(a)).toBe(1);
    expect(await client.exists(c)).toBe(0);
  });

  it('a well-formed parent is not held back by the checks', async () => {
    const { P: parent, C: child } = await writeRawJobs(client, `${P}:good`, { P: null, C: 'P' }, { waiting: ['C'], version: 'bullmq:6.7.0' });
    const result = await core.dispatch('removeUnprocessed', { parentKey: parent });
    expect(result).toMatchObject({ ok: true, result: { removed: [child], releasesParent: true } });
    expect(await client.exists(child)).toBe(0);
  });
});
