// One client cannot make another wait: the host and its one Redis connection serve calls in the
// order they come, so another client's call waits behind every call one client has running.
// While several clients have calls, each runs an equal share of SHARED_CALLS_IN_FLIGHT (2 each
// for two); alone, a client runs MAX_CALLS_IN_FLIGHT. Checked with the calls counted on their way
// into the real core (real Redis, real BullMQ data).
import { FlowProducer } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dispatch } from '../../../electron/core/dispatch';
import { MAX_CALLS_IN_FLIGHT, MAX_CALLS_QUEUED, SHARED_CALLS_IN_FLIGHT } from '../../../electron/host/call-queue';
import type { WebHost } from '../../../electron/host/web-host';
import { webHostForFile } from '../../helpers/core-per-file';
import { openWsTestClient } from '../../helpers/ws-test-client';

let bigRoot: string;
/** getFlowTree calls wait here while it is set (the counted host only). */
let gate: Promise<void> | null = null;
/**
 * Per session: calls in the core now, and for each call, when it started, its session's calls
 * running (itself included) and the other sessions' calls in the core.
 */
const running = new Map<string, number>();
const startedWith = new Map<string, number[]>();
const othersAtStart = new Map<string, number[]>();
let onStart: () => void = () => undefined;
const dispatch: Dispatch = async (method, args, session) => {
  const who = session ?? 'http';
  running.set(who, (running.get(who) ?? 0) + 1);
  startedWith.set(who, [...(startedWith.get(who) ?? []), running.get(who)!]);
  const others = [...running].reduce((sum, [s, n]) => (s === who ? sum : sum + n), 0);
  othersAtStart.set(who, [...(othersAtStart.get(who) ?? []), others]);
  onStart();
  try {
    if (method === 'getFlowTree' && gate) await gate;
    return await core.dispatch(method, args, session);
  } finally {
    running.set(who, running.get(who)! - 1);
  }
};
// The host's calls, counted on their way into the real core.
const { redis, core, host: counted } = webHostForFile({ hosted: (c) => ({ ...c, dispatch }) });

beforeAll(async () => {
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  const big = await flows.add({
    name: 'big',
    queueName: 'fair',
    children: Array.from({ length: 500 }, (_, i) => ({ name: `c${i}`, queueName: 'fair', data: { i } })),
  });
  bigRoot = big.job.id!;
  await flows.close();
}, 60_000);

// Big answers are not parsed (this process is the host too: parsing 1.5 MB answers would take
// the host's time, which a real client on its own would not).
const openClient = (to: WebHost) => openWsTestClient(to, { parseUpTo: 100_000 });

const sessionsNow = () => new Set(startedWith.keys());
/** Resolves once `predicate` holds, checked whenever a call reaches the core. */
const whenStarted = (predicate: () => boolean) =>
  new Promise<void>((resolve) => {
    const check = () => predicate() && resolve();
    onStart = check;
    check();
  });

describe('one client cannot make another wait', () => {
  it('alone a client runs 8 calls; once another has calls, it starts new ones only within its share (2), and the other is run at once', async () => {
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const before = sessionsNow();
    const greedy = await openClient(counted);
    const answers = Array.from({ length: MAX_CALLS_QUEUED }, () => greedy.call('getFlowTree', { queue: 'fair', jobId: bigRoot }));
    await whenStarted(() => [...startedWith.keys()].some((s) => !before.has(s) && running.get(s) === MAX_CALLS_IN_FLIGHT));
    const greedySession = [...startedWith.keys()].find((s) => !before.has(s))!;
    expect(Math.max(...startedWith.get(greedySession)!)).toBe(MAX_CALLS_IN_FLIGHT);

    const other = await openClient(counted);
    const otherAnswer = other.call('getFlowTree', { queue: 'fair', jobId: bigRoot });
    // The other client's call reaches the core at once, beside the 8 already running.
    await whenStarted(() => [...startedWith.keys()].some((s) => !before.has(s) && s !== greedySession));
    const startsBefore = startedWith.get(greedySession)!.length;
    open();
    gate = null;
    expect((await otherAnswer).ok).toBe(true);
    // Calls the greedy client started while the other had one in the core: within the share of two clients.
    const others = othersAtStart.get(greedySession)!;
    const startedBeside = startedWith.get(greedySession)!.filter((_, i) => i >= startsBefore && others[i]! > 0);
    expect(startedBeside.every((n) => n <= SHARED_CALLS_IN_FLIGHT / 2)).toBe(true);
    for (const answer of await Promise.all(answers)) expect(answer.ok).toBe(true);
    await greedy.close();
    await other.close();
  });
});
