// Remove unprocessed on data BullMQ would never write: a parent whose `:dependencies` is not a
// set, and a parent-key cycle A→C→B→A (where removing A's unprocessed children would walk back
// up to A and delete A itself) are refused with a typed error that says what is wrong, before
// anything is written, and the refusal is in the audit log; a child that lists the parent back
// without a parentKey loop is removed without the parent.
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { coreForFile } from '../../helpers/core-per-file';
import { jobFields, parentFields, writeJobHash } from '../../helpers/flows';

const { redis, core } = coreForFile({ core: { shell: 'cli' } });
let client: Redis;
let P: string;

beforeAll(() => {
  P = redis.prefix;
  client = redis.client();
});

const k = (queue: string, id: string) => `${P}:${queue}:${id}`;

/** Every key under the prefix with its type, to show nothing was written. */
async function dump(): Promise<Record<string, string>> {
  const keys = await client.keys(`${P}:*`);
  const out: Record<string, string> = {};
  for (const key of keys.sort()) out[key] = `${await client.type(key)}:${JSON.stringify(await client.dump(key))}`;
  return out;
}

describe('remove unprocessed on bad data', () => {
  it('a parent whose :dependencies is a string: REFUSED, saying which key is of which type, nothing written', async () => {
    const parent = k('bad', 'P1');
    const child = k('bad', 'C1');
    await writeJobHash(client, parent, jobFields('parent'));
    await client.zadd(`${P}:bad:waiting-children`, 1, 'P1');
    await writeJobHash(client, child, jobFields('child', parentFields(parent)));
    await client.rpush(`${P}:bad:wait`, 'C1');
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
    const a = k('cyc', 'A');
    const b = k('cyc', 'B');
    const c = k('cyc', 'C');
    // A lists C, C lists B, B lists A; each one's parentKey is the one that lists it.
    await writeJobHash(client, a, jobFields('A', parentFields(b)));
    await writeJobHash(client, c, jobFields('C', parentFields(a)));
    await writeJobHash(client, b, jobFields('B', parentFields(c)));
    await client.sadd(`${a}:dependencies`, c);
    await client.sadd(`${c}:dependencies`, b);
    await client.sadd(`${b}:dependencies`, a);
    await client.zadd(`${P}:cyc:waiting-children`, 1, 'A', 2, 'B', 3, 'C');
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
    const a = k('loop', 'A');
    const c = k('loop', 'C');
    await writeJobHash(client, a, jobFields('A'));
    await writeJobHash(client, c, jobFields('C', parentFields(a)));
    await client.sadd(`${a}:dependencies`, c);
    await client.sadd(`${c}:dependencies`, a);
    await client.zadd(`${P}:loop:waiting-children`, 1, 'A', 2, 'C');
    await client.hset(`${P}:loop:meta`, 'version', 'bullmq:6.7.0');
    const preview = await core.dispatch('removeUnprocessed', { parentKey: a, dryRun: true });
    expect(preview).toMatchObject({ ok: true, result: { removed: [c] } });
    // Before, the script's subtree walk went C → A and deleted the parent itself.
    const run = await core.dispatch('removeUnprocessed', { parentKey: a });
    expect(run).toMatchObject({ ok: true, result: { removed: [c] } });
    expect(await client.exists(a)).toBe(1);
    expect(await client.exists(c)).toBe(0);
  });

  it('a well-formed parent is not held back by the checks', async () => {
    const parent = k('good', 'P');
    const child = k('good', 'C');
    await writeJobHash(client, parent, jobFields('parent'));
    await client.zadd(`${P}:good:waiting-children`, 1, 'P');
    await writeJobHash(client, child, jobFields('child', parentFields(parent)));
    await client.rpush(`${P}:good:wait`, 'C');
    await client.sadd(`${parent}:dependencies`, child);
    await client.hset(`${P}:good:meta`, 'version', 'bullmq:6.7.0');
    const result = await core.dispatch('removeUnprocessed', { parentKey: parent });
    expect(result).toMatchObject({ ok: true, result: { removed: [child], releasesParent: true } });
    expect(await client.exists(child)).toBe(0);
  });
});
