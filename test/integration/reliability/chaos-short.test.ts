// The short cases of `npm run test:chaos` (test/chaos/), run in `npm test`: the same scenario
// code at small sizes, in-process (no build): a few hundred fuzzed frames, each Redis fault
// once under live views, and a 20-flow soak with random failures and repairs from two hosts
// and the CLI; and 500 fuzzed calls to the desktop shell's IPC bridge over a real core. Each
// case asserts every must-be-zero counter of its tally is 0.
import { FlowProducer } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFaults } from '../../chaos/faults';
import { fuzzHost } from '../../chaos/fuzz';
import { fuzzIpc } from '../../chaos/fuzz-ipc';
import { inProcessRig, type ChaosRig } from '../../chaos/hosts';
import { chaosSeed } from '../../chaos/random';
import { runSoak } from '../../chaos/soak';
import { MUST_BE_ZERO, type Tally } from '../../chaos/tally';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
let rig: ChaosRig;
const seed = chaosSeed();

beforeAll(async () => {
  redis = await startTestRedis();
  rig = inProcessRig();
});

afterAll(async () => {
  await rig.close();
  await redis.stop();
});

/** Every must-be-zero counter is 0; the notes say what went wrong otherwise. */
function expectClean(tally: Tally): void {
  const nonZero = MUST_BE_ZERO.filter((k) => tally.zero[k] !== 0);
  expect({ nonZero, notes: tally.notes, seed }).toEqual({ nonZero: [], notes: [], seed });
}

describe('chaos, short', () => {
  it('fuzzing: 300 WebSocket and HTTP frames, every one answered, none INTERNAL, the host alive, Redis unchanged', async () => {
    const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
    const added = await flows.add({ name: 'root', queueName: 'fuzz', children: [{ name: 'a', queueName: 'fuzz' }] });
    await flows.close();
    const host = await rig.startHost(redis.url, redis.prefix);
    const jobKeys = [`${redis.prefix}:fuzz:${added.job.id}`, `${redis.prefix}:fuzz:${added.children![0]!.job.id}`];
    const tally = await fuzzHost(host, { frames: 300, seed, jobKeys, prefix: redis.prefix, redis: redis.client() });
    expect(tally.facts.frames).toBe(300);
    expectClean(tally);
  });

  it('IPC fuzzing: 500 calls to the desktop bridge, from its windows and from senders it must refuse: every one answered with a result or a typed error, refusals never reach the core, Redis unchanged, memory bounded', async () => {
    const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
    const added = await flows.add({ name: 'root', queueName: 'ipc', children: [{ name: 'a', queueName: 'ipc' }] });
    await flows.close();
    const jobKeys = [`${redis.prefix}:ipc:${added.job.id}`, `${redis.prefix}:ipc:${added.children![0]!.job.id}`];
    const tally = await fuzzIpc({ calls: 500, seed, redisUrl: redis.url, jobKeys, prefix: redis.prefix, redis: redis.client() });
    expect(tally.facts).toMatchObject({ calls: 500 });
    expect(tally.facts.refused).toBeGreaterThan(50);
    expect(tally.facts.answeredOk).toBeGreaterThan(0);
    expectClean(tally);
  });

  it('Redis faults under two live views, once each (kill -STOP, DEBUG SLEEP, a proxy blackhole, FLUSHALL, a restart empty): noticed, answered, resynced', async () => {
    const tally = await runFaults(rig, { rounds: 1 });
    expect(tally.facts.faults).toBe(5);
    expectClean(tally);
  });

  it('soak: 20 flows, random failures, repairs from two hosts and the CLI, then a heal: no lost result, no stuck parent, no double run, no orphan key', async () => {
    const tally = await runSoak(rig, {
      flows: 20,
      seconds: 8,
      seed,
      redisUrl: redis.url,
      connection: redis.connection,
      client: redis.client(),
      prefix: `${redis.prefix}s`,
    });
    expect(tally.facts.parentsChecked).toBeGreaterThanOrEqual(15);
    expect(tally.facts.repairs).toBeGreaterThan(0);
    expectClean(tally);
  });
});
