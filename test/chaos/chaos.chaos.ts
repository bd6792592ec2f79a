// `npm run test:chaos`: the long proof of issue 12, against real processes — the CLI built from
// the sources, `flowscope serve` hosts started from it, each CLI call a process — real
// redis-servers and real BullMQ workers. In order: 10,000 fuzzed frames, 10,000 fuzzed calls to
// the desktop shell's IPC bridge (in this process: there is no Electron binary), every Redis fault
// under live views (CHAOS_FAULT_ROUNDS rounds, default 3), and the soak of 300 flows
// (CHAOS_SOAK_SECONDS, default 120; CHAOS_SOAK_FLOWS, default 300; CHAOS_FAIL_RATE, default
// 0.12 per leaf run) whose bursts are the
// concurrent repairs from two hosts and the CLI. Each scenario's tally is written to
// test-results/chaos/ and test/chaos/run.js prints the summary; each test fails when one of its
// must-be-zero counters is not 0.
import { FlowProducer } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { runFaults } from './faults';
import { fuzzHost } from './fuzz';
import { fuzzIpc } from './fuzz-ipc';
import { processRig, type ChaosRig } from './hosts';
import { chaosSeed } from './random';
import { runSoak } from './soak';
import { MUST_BE_ZERO, saveTally, type Tally } from './tally';

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const FRAMES = num('CHAOS_FRAMES', 10_000);
const IPC_CALLS = num('CHAOS_IPC_CALLS', 10_000);
const FAULT_ROUNDS = num('CHAOS_FAULT_ROUNDS', 3);
const SOAK_FLOWS = num('CHAOS_SOAK_FLOWS', 300);
const SOAK_SECONDS = num('CHAOS_SOAK_SECONDS', 120);
const FAIL_RATE = num('CHAOS_FAIL_RATE', 0.12);
const seed = chaosSeed();

let redis: TestRedis;
let rig: ChaosRig;

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  rig = await processRig();
});

afterAll(async () => {
  await rig?.close();
  await redis?.stop();
});

function record(tally: Tally): void {
  tally.facts.seed = seed;
  saveTally(tally);
  const nonZero = MUST_BE_ZERO.filter((k) => tally.zero[k] !== 0);
  expect({ nonZero, notes: tally.notes }).toEqual({ nonZero: [], notes: [] });
}

describe('chaos', () => {
  it(`fuzzing: ${FRAMES} frames against a host process`, async () => {
    const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
    const added = await flows.add({ name: 'root', queueName: 'fuzz', children: [{ name: 'a', queueName: 'fuzz' }, { name: 'b', queueName: 'fuzz' }] });
    await flows.close();
    const host = await rig.startHost(redis.url, redis.prefix);
    const jobKeys = [added.job, ...added.children!.map((c) => c.job)].map((j) => `${redis.prefix}:fuzz:${j.id}`);
    const tally = await fuzzHost(host, { frames: FRAMES, seed, jobKeys, prefix: redis.prefix, redis: redis.client() });
    await host.close();
    record(tally);
  });

  it(`IPC fuzzing: ${IPC_CALLS} calls to the desktop bridge over a real core`, async () => {
    const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
    const added = await flows.add({ name: 'root', queueName: 'ipc', children: [{ name: 'a', queueName: 'ipc' }, { name: 'b', queueName: 'ipc' }] });
    await flows.close();
    const jobKeys = [added.job, ...added.children!.map((c) => c.job)].map((j) => `${redis.prefix}:ipc:${j.id}`);
    record(await fuzzIpc({ calls: IPC_CALLS, seed, redisUrl: redis.url, jobKeys, prefix: redis.prefix, redis: redis.client() }));
  });

  it(`Redis faults under live views, ${FAULT_ROUNDS} rounds`, async () => {
    record(await runFaults(rig, { rounds: FAULT_ROUNDS }));
  });

  it(`soak: ${SOAK_FLOWS} flows for ${SOAK_SECONDS} s with concurrent repairs from two hosts and the CLI`, async () => {
    const tally = await runSoak(rig, {
      flows: SOAK_FLOWS,
      seconds: SOAK_SECONDS,
      seed,
      redisUrl: redis.url,
      connection: redis.connection,
      client: redis.client(),
      prefix: `${redis.prefix}soak`,
      failRate: FAIL_RATE,
      ...(process.env.CHAOS_HEAL_WITH === 'bullmq' ? { healWith: 'bullmq' as const } : {}),
    });
    record(tally);
  });
});
