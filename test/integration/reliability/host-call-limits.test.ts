// One client cannot take the host: a WebSocket client has at most MAX_CALLS_IN_FLIGHT calls
// running and MAX_CALLS_QUEUED waiting (more are refused with BUSY at once), and another
// client's call is answered while the first one's burst is still being worked through. Plain
// HTTP calls are bounded over all connections the same way (429 BUSY).
import { FlowProducer } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dispatch } from '../../../electron/core/dispatch';
import { MAX_CALLS_IN_FLIGHT, MAX_CALLS_QUEUED } from '../../../electron/host/call-queue';
import { MAX_HTTP_CALLS_IN_FLIGHT } from '../../../electron/host/http-api';
import { webHostForFile } from '../../helpers/core-per-file';
import { openWsTestClient } from '../../helpers/ws-test-client';

/** Calls the host has handed to the core and not had answered yet, per session, and the most seen at once. */
const running = new Map<string, number>();
const peak = new Map<string, number>();
/**
 * While set, HTTP calls (httpGate) or getFlowTree calls (treeGate) wait here before they reach
 * the core, so the test sees every call the host let through in flight at once.
 */
let httpGate: Promise<void> | null = null;
let treeGate: Promise<void> | null = null;
/** Called whenever a call enters or leaves; tests wait on it instead of polling. */
let onChange: () => void = () => undefined;
let rootId: string;

// The host's calls, counted on their way into the core (Redis and the core are real).
const dispatch: Dispatch = async (method, args, session) => {
  const who = session ?? 'http';
  running.set(who, (running.get(who) ?? 0) + 1);
  peak.set(who, Math.max(peak.get(who) ?? 0, running.get(who)!));
  onChange();
  try {
    if (!session && httpGate) await httpGate;
    if (method === 'getFlowTree' && treeGate) await treeGate;
    return await core.dispatch(method, args, session);
  } finally {
    running.set(who, running.get(who)! - 1);
    onChange();
  }
};
const { redis, core, host } = webHostForFile({ hosted: (c) => ({ ...c, dispatch }) });

beforeAll(async () => {
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  const added = await flows.add({
    name: 'root',
    queueName: 'limits',
    children: Array.from({ length: 400 }, (_, i) => ({ name: `c${i}`, queueName: 'limits', data: { i, pad: 'x'.repeat(200) } })),
  });
  rootId = added.job.id!;
  await flows.close();
});


const openClient = () => openWsTestClient(host);

describe('calls in flight per WebSocket client', () => {
  it('a burst of 200 getFlowTree frames: 8 run, 64 wait, the rest get BUSY at once; another client is served while they run', async () => {
    let open!: () => void;
    treeGate = new Promise<void>((resolve) => (open = resolve));
    const greedy = await openClient();
    const other = await openClient();
    const burst = 200;
    const refused = burst - MAX_CALLS_IN_FLIGHT - MAX_CALLS_QUEUED;
    for (let i = 1; i <= burst; i++) greedy.send({ id: i, method: 'getFlowTree', args: { queue: 'limits', jobId: rootId } });

    // Over the limit: refused at once, while the admitted calls are still held.
    await greedy.answered(refused);
    expect(greedy.answers).toHaveLength(refused);
    for (const a of greedy.answers) expect(a).toMatchObject({ ok: false, error: { code: 'BUSY', message: expect.stringMatching(/wait for answers/) } });
    const session = [...running.keys()].find((s) => s.startsWith('ws-') && running.get(s)! > 0)!;
    expect(running.get(session)).toBe(MAX_CALLS_IN_FLIGHT);
    // The burst never reaches the other client: its call is answered while the burst is held.
    other.send({ id: 1, method: 'listQueues', args: {} });
    expect(await other.answerTo(1)).toMatchObject({ id: 1, ok: true, result: [{ name: 'limits' }] });

    open();
    await greedy.answered(burst);
    treeGate = null;
    const ok = greedy.answers.filter((a) => a.ok);
    expect(ok).toHaveLength(MAX_CALLS_IN_FLIGHT + MAX_CALLS_QUEUED);
    expect(new Set(greedy.answers.map((a) => a.id)).size).toBe(burst);
    expect(ok[0]).toMatchObject({ result: { nodes: expect.any(Array) } });
    expect(peak.get(session)).toBe(MAX_CALLS_IN_FLIGHT);

    // Once its burst is answered, the same client is served again.
    greedy.send({ id: 999, method: 'getAppInfo' });
    expect(await greedy.answerTo(999)).toMatchObject({ ok: true });
    await greedy.close();
    await other.close();
  });
});

describe('calls in flight over plain HTTP', () => {
  it(`at most ${MAX_HTTP_CALLS_IN_FLIGHT} run at once; more are answered 429 BUSY at once`, async () => {
    let open!: () => void;
    httpGate = new Promise<void>((resolve) => (open = resolve));
    const extra = 8;
    const answers: { status: number; body: { ok: boolean; error?: { code: string } } }[] = [];
    const calls = Array.from({ length: MAX_HTTP_CALLS_IN_FLIGHT + extra }, () =>
      fetch(`${host.url}/api/getFlowTree`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host.token}` },
        body: JSON.stringify({ queue: 'limits', jobId: rootId }),
      }).then(async (res) => {
        answers.push({ status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string } } });
        onChange();
      }),
    );
    // The calls over the limit are answered while the others are still held.
    await waitFor(() => answers.length === extra && running.get('http') === MAX_HTTP_CALLS_IN_FLIGHT);
    expect(running.get('http')).toBe(MAX_HTTP_CALLS_IN_FLIGHT);
    for (const a of answers) expect(a).toMatchObject({ status: 429, body: { ok: false, error: { code: 'BUSY' } } });
    open();
    await Promise.all(calls);
    httpGate = null;
    expect(answers.filter((a) => a.status === 200 && a.body.ok)).toHaveLength(MAX_HTTP_CALLS_IN_FLIGHT);
    expect(peak.get('http')).toBe(MAX_HTTP_CALLS_IN_FLIGHT);
  });
});

/** Resolves once `condition` holds, checked each time a call enters, leaves or is answered. */
function waitFor(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!condition()) return;
      onChange = () => undefined;
      resolve();
    };
    onChange = check;
    check();
  });
}
