// States of a level come from job-states.lua, one call per level (or per STATE_BATCH ids) next
// to that level's load-level.lua batches: the same answers as Job.getState() whether a queue's
// ids sit in one batch or many, in one state call or split over several, with repeated keys,
// keys that are not job keys, and errors in the order they always had. The oracle is each
// BullMQ major of the matrix in turn (both read P:Q:paused as waiting).
import { describe, expect, it } from 'vitest';
import { LevelLoad, loadLevel, type LevelRecord } from '../../../electron/core/tree/load-level';
import { RoundTrips } from '../../../electron/core/lua/round-trips';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { jobFields, writeJobHash } from '../../helpers/flows';
import { oracleForSuite } from '../../helpers/oracle-per-suite';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

describe.each(BULLMQ_VERSIONS)('$label', (version) => {
  const bq = oracleForSuite(redis, version);

  /**
   * 150 jobs over three queues, in every state structure, some in two at once (getState's order
   * decides), some in none. Returns their keys interleaved across queues, as a level can be.
   */
  async function fixture(tag: string): Promise<string[]> {
    const byQueue: string[][] = [];
    for (const queue of [`${tag}-a`, `${tag}-b`, `${tag}-c`]) {
      const ids = Array.from({ length: 50 }, (_, i) => `j${i}`);
      for (const id of ids) await writeJobHash(bq.client, `${bq.P}:${queue}:${id}`, jobFields(id));
      const q = `${bq.P}:${queue}`;
      await bq.client.rpush(`${q}:wait`, 'filler', ...ids.slice(0, 20));
      await bq.client.rpush(`${q}:active`, ...ids.slice(20, 26));
      await bq.client.rpush(`${q}:paused`, ...ids.slice(26, 30));
      await bq.client.zadd(`${q}:completed`, ...ids.slice(30, 34).flatMap((id) => [1, id]));
      await bq.client.zadd(`${q}:failed`, ...ids.slice(34, 37).flatMap((id) => [1, id]));
      await bq.client.zadd(`${q}:delayed`, ...ids.slice(37, 39).flatMap((id) => [1, id]));
      await bq.client.zadd(`${q}:prioritized`, ...ids.slice(39, 41).flatMap((id) => [1, id]));
      await bq.client.zadd(`${q}:waiting-children`, ...ids.slice(41, 45).flatMap((id) => [1, id]));
      await bq.client.zadd(`${q}:completed`, 1, ids[5]!); // also waiting: completed wins
      await bq.client.zadd(`${q}:waiting-children`, 1, ids[22]!); // also active: active wins
      // ids 45..49: in no state structure -> unknown
      byQueue.push(ids.map((id) => `${q}:${id}`));
    }
    return byQueue[0]!.flatMap((key, i) => [key, byQueue[1]![i]!, byQueue[2]![i]!]);
  }

  const statesOf = (records: LevelRecord[]) => records.map((r) => r.state);

  describe('level states', () => {
    it('match getState for a level spread over several batches and queues', async () => {
      const keys = await fixture('spread');
      const trips = new RoundTrips(bq.client);
      const records = await loadLevel(trips, keys, 10);
      expect(trips.count).toBe(1); // batches and state calls go out together
      expect(new LevelLoad(keys, { pageSize: 10 }).calls.filter((c) => c.script.name === 'load-level').length).toBeGreaterThan(1);
      expect(records.map((r) => r.key)).toEqual(keys);
      expect(statesOf(records)).toEqual(await Promise.all(keys.map((k) => bq.oracle.state(k))));
      expect(new Set(statesOf(records))).toEqual(
        new Set(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children', 'unknown']),
      );
      for (const r of records) expect(r.errors).toEqual([]);
    });

    it('give the same answers when the ids of a queue are split over several state calls', async () => {
      const keys = await fixture('split');
      const whole = new LevelLoad(keys, { pageSize: 0 });
      const split = new LevelLoad(keys, { pageSize: 0, stateBatch: 7 });
      expect(split.calls.filter((c) => c.script.name === 'job-states').length).toBe(Math.ceil(keys.length / 7));
      const run = async (load: LevelLoad) => load.decodeAll(await new RoundTrips(bq.client).run(load.calls));
      const [a, b] = [await run(whole), await run(split)];
      expect(statesOf(b)).toEqual(statesOf(a));
      expect(statesOf(a)).toEqual(await Promise.all(keys.map((k) => bq.oracle.state(k))));
    });

    it('answer repeated keys, keys that are not job keys and missing jobs', async () => {
      const [first, second] = await fixture('odd');
      const missing = `${bq.P}:odd-a:nope`;
      await bq.client.set('loose', 'not a job');
      const keys = [first!, 'loose', second!, first!, missing, 'ghost', `${bq.P}:odd-a:`];
      const records = await loadLevel(new RoundTrips(bq.client), keys, 0);
      expect(records.map((r) => [r.key, r.state])).toEqual([
        [first, await bq.oracle.state(first!)],
        ['loose', 'unknown'],
        [second, await bq.oracle.state(second!)],
        [first, await bq.oracle.state(first!)],
        [missing, 'missing'],
        ['ghost', 'missing'],
        [`${bq.P}:odd-a:`, 'missing'],
      ]);
      expect(records[3]).toEqual(records[0]);
      expect(records[1]!.errors).toEqual(['loose is a string, not a hash', 'not a job key (prefix:queue:id)']);
      for (const i of [4, 5, 6]) expect(records[i]!.errors).toEqual([]);
    });

    it("keep the job key's own error first, then the state key's, then the buckets'", async () => {
      const key = `${bq.P}:order:x`;
      await bq.client.set(key, 'not a hash');
      await bq.client.set(`${bq.P}:order:wait`, 'garbage');
      await bq.client.set(`${key}:processed`, 'oops');
      const [record] = await loadLevel(new RoundTrips(bq.client), [key], 10);
      expect(record).toMatchObject({ kind: 'string', state: 'unknown' });
      expect(record!.errors).toEqual([
        `${key} is a string, not a hash`,
        `${bq.P}:order:wait is a string, not a list`,
        `${key}:processed is a string, not a hash`,
      ]);
      await expect(bq.oracle.state(key)).rejects.toThrow(/WRONGTYPE/);
    });
  });
});
