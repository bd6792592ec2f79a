// The soak: `flows` BullMQ flows (every failure policy, two and three levels, leaves in two
// queues) processed by real workers that fail at random, repaired meanwhile from two hosts (their
// HTTP API) and the CLI — at random, and in bursts where all three repair the same flow at the
// same moment — with deliberate removals now and then. After `seconds`, failures stop and a heal
// phase retries every flow that is not complete (retryFailedChildren on its root) and then every
// failed job (retryJob), until none is left. Then it checks, from a ledger the processors keep
// and from a scan of the keys:
//   lostResults   a completed parent whose last run did not see a completed child (one not
//                 deliberately removed), or a completed parent that never ran
//   stuckParents  a parent that is not completed at the end
//   unrepaired    a job still failed at the end
//   doubleRuns    a job that ran again after it had completed
//   orphanKeys    a job whose parentKey names no job, a :dependencies entry naming no job, or a
//                 job's sub-key (:dependencies, :processed, :failed, :unsuccessful) without its job
//   hungCalls, unexpectedErrors (INTERNAL, transport errors, REDIS_UNAVAILABLE on a healthy
//                 Redis), crashes (a host that died), and the hosts' peak RSS.
import type { FlowJob, Job, Queue, Worker } from 'bullmq';
import { FlowProducer, Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import type { RedisClient } from '../../electron/core/connection/redis-client';
import { scanKeys } from '../../electron/core/connection/scan-keys';
import { callHost, type ChaosHost, type ChaosRig } from './hosts';
import { rng, type Rng } from './random';
import { fail, newTally, type Tally } from './tally';

export interface SoakOptions {
  flows: number;
  seconds: number;
  seed: number;
  redisUrl: string;
  connection: { host: string; port: number };
  client: RedisClient;
  prefix: string;
  /** Chance that one run of a leaf fails while failures are on (a parent's own run: half of it). */
  failRate?: number;
  /** Most heal rounds. */
  healRounds?: number;
  /**
   * 'bullmq': the heal retries failed jobs with BullMQ's own Job.retry() instead of Flowscope's
   * retryJob — a control showing that the lostResults check sees what Job.retry() does to a
   * remove-policy child of a completed parent (issue 12 item 10).
   */
  healWith?: 'flowscope' | 'bullmq';
}

const ROOTS = 'soak-root';
const MIDS = 'soak-mid';
const LEAVES = ['soak-leaf-a', 'soak-leaf-b'];
const QUEUES = [ROOTS, MIDS, ...LEAVES];
const POLICIES = ['none', 'fail-parent', 'continue-parent', 'ignore', 'remove'] as const;
type Policy = (typeof POLICIES)[number];
const POLICY_OPTS: Record<Policy, Record<string, boolean>> = {
  none: {},
  'fail-parent': { failParentOnFailure: true },
  'continue-parent': { continueParentOnFailure: true },
  ignore: { ignoreDependencyOnFailure: true },
  remove: { removeDependencyOnFailure: true },
};

interface Ledger {
  runs: number;
  successes: number;
  /** For parents: the children's keys their last successful run saw. */
  lastSeen?: Set<string>;
}

type Agent = 'hostA' | 'hostB' | 'cli';
type Method = 'retryFailedChildren' | 'retryJob' | 'removeUnprocessed' | 'removeJob';

export async function runSoak(rig: ChaosRig, o: SoakOptions): Promise<Tally> {
  const tally = newTally('soak');
  const r = rng(o.seed);
  const failRate = o.failRate ?? 0.12;
  const ledger = new Map<string, Ledger>();
  const entry = (key: string) => {
    let e = ledger.get(key);
    if (!e) ledger.set(key, (e = { runs: 0, successes: 0 }));
    return e;
  };
  const keyOf = (job: Job) => `${o.prefix}:${job.queueName}:${job.id}`;
  let failing = true;
  let injected = 0;

  // ---- workers ----------------------------------------------------------------------------
  const connection = o.connection;
  const workers: Worker[] = [];
  const leafRun = async (job: Job) => {
    const e = entry(keyOf(job));
    e.runs++;
    if (e.successes > 0) fail(tally, 'doubleRuns', `${keyOf(job)} ran again after it had completed`);
    await new Promise((res) => setTimeout(res, r.int(20)));
    if (failing && r.chance(failRate)) {
      injected++;
      throw new Error('random failure');
    }
    e.successes++;
    return `r:${job.id}`;
  };
  const parentRun = async (job: Job) => {
    const e = entry(keyOf(job));
    e.runs++;
    const seen = new Set(Object.keys(await job.getChildrenValues()));
    if (failing && r.chance(failRate / 2)) {
      injected++;
      throw new Error('random failure of the parent itself');
    }
    e.successes++;
    e.lastSeen = seen;
    return seen.size;
  };
  for (const q of LEAVES) workers.push(new BullWorker(q, leafRun, { connection, prefix: o.prefix, concurrency: 10 }));
  for (const q of [ROOTS, MIDS]) workers.push(new BullWorker(q, parentRun, { connection, prefix: o.prefix, concurrency: 10 }));
  for (const w of workers) w.on('error', () => undefined);
  const queues = new Map<string, Queue>(QUEUES.map((q) => [q, new BullQueue(q, { connection, prefix: o.prefix })]));

  // ---- flows ------------------------------------------------------------------------------
  /** Parent key -> its children's keys, as written. */
  const childrenOf = new Map<string, string[]>();
  const roots: string[] = [];
  const producer = new FlowProducer({ connection, prefix: o.prefix });
  const leaf = (name: string, policy: Policy): FlowJob => ({ name, queueName: r.pick(LEAVES), opts: { attempts: r.chance(0.2) ? 2 : 1, ...POLICY_OPTS[policy] } });
  /** The failure policy of each flow's children, by flow name. */
  const policies = new Map<string, Policy>();
  /** Writes flows [from, to) in one addBulk. */
  const addFlows = async (from: number, to: number) => {
    const batch: FlowJob[] = [];
    for (let f = from; f < to; f++) {
      const policy = r.pick(POLICIES);
      policies.set(`f${f}`, policy);
      const children: FlowJob[] = Array.from({ length: 3 + r.int(5) }, (_, c) => leaf(`f${f}.c${c}`, policy));
      if (r.chance(0.3)) {
        children[0] = { name: `f${f}.mid`, queueName: MIDS, opts: { attempts: 1, ...POLICY_OPTS[policy] }, children: Array.from({ length: 2 + r.int(2) }, (_, g) => leaf(`f${f}.g${g}`, policy)) };
      }
      batch.push({ name: `f${f}`, queueName: ROOTS, opts: { attempts: 1 }, children });
    }
    const added = await producer.addBulk(batch);
    const walk = (node: (typeof added)[number]) => {
      const key = keyOf(node.job);
      if (node.children?.length) {
        childrenOf.set(key, node.children.map((c) => keyOf(c.job)));
        for (const c of node.children) walk(c);
      }
    };
    for (const node of added) {
      roots.push(keyOf(node.job));
      walk(node);
    }
  };

  // ---- agents -----------------------------------------------------------------------------
  const hosts: Record<'hostA' | 'hostB', ChaosHost> = {
    hostA: await rig.startHost(o.redisUrl, o.prefix),
    hostB: await rig.startHost(o.redisUrl, o.prefix),
  };
  const stats = new Map<string, number>();
  const count = (k: string) => stats.set(k, (stats.get(k) ?? 0) + 1);
  const split = (key: string) => {
    const rest = key.slice(o.prefix.length + 1);
    const at = rest.lastIndexOf(':');
    return [rest.slice(0, at), rest.slice(at + 1)] as const;
  };
  const CLI_COMMAND: Record<Method, string> = {
    retryFailedChildren: 'retry-failed-children',
    retryJob: 'retry-job',
    removeUnprocessed: 'remove-unprocessed',
    removeJob: 'remove-job',
  };
  const EXPECTED = new Set(['REFUSED', 'BAD_REQUEST', 'NOT_FOUND', 'BUSY']);

  /** One repair by one agent; its outcome is counted, a hang or an unexpected error noted. */
  async function act(agent: Agent, method: Method, key: string, dryRun = false): Promise<{ ok: boolean; result?: unknown }> {
    count(`${agent}.${method}`);
    const done = await act1(agent, method, key, dryRun);
    // The case of issue 12 item 10: a failed remove-policy child retried by itself, its completed parent reopened.
    if (done.ok && !dryRun && method === 'retryJob' && (done.result as { reopened?: string[] }).reopened?.length) {
      const name = await o.client.hget(key, 'name');
      if (name && policies.get(name.split('.')[0]!) === 'remove') count('removePolicyReopens');
    }
    return done;
  }

  async function act1(agent: Agent, method: Method, key: string, dryRun: boolean): Promise<{ ok: boolean; result?: unknown }> {
    if (agent === 'cli') {
      const [queue, id] = split(key);
      const run = await rig.cli(['--redis', o.redisUrl, '--prefix', o.prefix, '--json', CLI_COMMAND[method], queue, id, ...(dryRun ? ['--dry-run'] : [])]);
      if (run.code === 0) return { ok: true, result: JSON.parse(run.stdout) as unknown };
      const expected = run.code === 3 || run.code === 2 || (run.code === 1 && /^error: No (job|queue)|is gone|not failed/m.test(run.stderr));
      if (!expected) fail(tally, 'unexpectedErrors', `cli ${CLI_COMMAND[method]} ${key}: exit ${run.code} ${run.stderr.slice(0, 300)}`);
      count(expected ? 'refused' : 'errors');
      return { ok: false };
    }
    const args = method === 'retryFailedChildren' || method === 'removeUnprocessed' ? { parentKey: key, dryRun } : { key, dryRun };
    const res = await callHost(hosts[agent], method, args);
    if (res.hung) fail(tally, 'hungCalls', `${agent} ${method} ${key}: no answer in 15 s`);
    else if (!res.ok && !EXPECTED.has(res.error!.code)) fail(tally, 'unexpectedErrors', `${agent} ${method} ${key}: ${res.error!.code} ${res.error!.message.slice(0, 300)}`);
    if (!res.ok) count(res.hung ? 'hung' : EXPECTED.has(res.error!.code) ? 'refused' : 'errors');
    return res.ok ? { ok: true, result: res.result } : { ok: false };
  }

  const failedJobs = async (): Promise<string[]> => {
    const keys: string[] = [];
    for (const q of queues.values()) for (const j of await q.getFailed(0, 500)) keys.push(keyOf(j));
    return keys;
  };
  const parentOf = async (key: string) => (await o.client.hget(key, 'parentKey')) || null;

  async function randomRepair(agent: Agent, rr: Rng): Promise<void> {
    const failed = await failedJobs();
    if (failed.length === 0 || rr.chance(0.4)) {
      // A repair of any parent, failed under it or not, while its workers run: planned against a
      // moving flow, it must do nothing wrong (most plan nothing, or are refused as active).
      const parents = [...childrenOf.keys()];
      if (parents.length === 0) return;
      const parent = rr.pick(parents);
      if (rr.chance(0.7)) await act(agent, 'retryFailedChildren', parent);
      else await act(agent, rr.bool() ? 'removeUnprocessed' : 'retryFailedChildren', parent, true);
      return;
    }
    const target = rr.pick(failed);
    const parent = await parentOf(target);
    const roll = rr.int(100);
    if (roll < 40) await act(agent, 'retryJob', target);
    else if (roll < 85) await act(agent, 'retryFailedChildren', parent ?? target);
    else if (roll < 92) await act(agent, rr.bool() ? 'retryFailedChildren' : 'removeUnprocessed', parent ?? target, true);
    else if (roll < 97 && parent) await act(agent, 'removeUnprocessed', parent);
    else await act(agent, 'removeJob', target);
  }

  /** All three agents repair the same flow at the same moment. */
  async function burst(rr: Rng): Promise<void> {
    const failed = await failedJobs();
    if (failed.length === 0) return;
    const target = rr.pick(failed);
    const parent = (await parentOf(target)) ?? target;
    count('bursts');
    await Promise.all([act('hostA', 'retryFailedChildren', parent), act('hostB', rr.bool() ? 'retryFailedChildren' : 'retryJob', rr.bool() ? parent : target), act('cli', 'retryJob', target)]);
  }

  const started = Date.now();
  const until = started + o.seconds * 1000;
  const first = Math.max(1, Math.ceil(o.flows / 10));
  await addFlows(0, first);
  // The rest of the flows in even batches until 95% of the phase, at most 4 batches a second.
  const feeder = async () => {
    const span = o.seconds * 950;
    const batches = Math.max(1, Math.min(o.flows - first, Math.floor(span / 250)));
    const perBatch = Math.ceil((o.flows - first) / batches);
    for (let b = 0, f = first; f < o.flows; b++, f += perBatch) {
      await addFlows(f, Math.min(o.flows, f + perBatch));
      await new Promise((res) => setTimeout(res, Math.max(0, started + ((b + 1) * span) / batches - Date.now())));
    }
  };
  // Repairs stop for the last 20% of the phase (failures go on), so the heal has a backlog.
  const repairsUntil = started + o.seconds * 800;
  const loop = async (agent: Agent, seed: number, pauseMs: number) => {
    const rr = rng(seed);
    while (Date.now() < repairsUntil) {
      await randomRepair(agent, rr);
      await new Promise((res) => setTimeout(res, pauseMs + rr.int(pauseMs)));
    }
  };
  const bursts = async () => {
    const rr = rng(o.seed + 4);
    while (Date.now() < repairsUntil) {
      await new Promise((res) => setTimeout(res, 500 + rr.int(1000)));
      await burst(rr);
    }
  };
  // Memory of the hosts, sampled while they work (VmHWM is the peak anyway; this keeps it when a host dies).
  let peak = 0;
  const sample = setInterval(() => {
    for (const h of Object.values(hosts)) peak = Math.max(peak, h.peakRssMiB() ?? 0);
  }, 500);
  try {
    await Promise.all([feeder(), loop('hostA', o.seed + 1, 30), loop('hostB', o.seed + 2, 30), loop('cli', o.seed + 3, 100), bursts()]);
    await new Promise((res) => setTimeout(res, Math.max(0, until - Date.now())));
    failing = false;

    // ---- heal -----------------------------------------------------------------------------
    const idle = async () => {
      const deadline = Date.now() + 30_000;
      let quiet = 0;
      while (Date.now() < deadline && quiet < 3) {
        let busy = 0;
        for (const q of queues.values()) {
          const c = await q.getJobCounts('active', 'wait', 'prioritized', 'delayed');
          busy += Object.values(c).reduce((a, b) => a + b, 0);
        }
        quiet = busy === 0 ? quiet + 1 : 0;
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    let rounds = 0;
    let atHeal = { open: 0, failed: 0 };
    const repairsBeforeHeal = [...stats].filter(([k]) => k.includes('.')).reduce((n, [, c]) => n + c, 0);
    for (; rounds < (o.healRounds ?? 8); rounds++) {
      await idle();
      const open: string[] = [];
      for (const root of roots) {
        const [queue, id] = split(root);
        const state = await queues.get(queue)!.getJobState(id);
        if (state !== 'completed' && state !== 'unknown') open.push(root);
      }
      const failed = await failedJobs();
      if (rounds === 0) atHeal = { open: open.length, failed: failed.length };
      if (open.length === 0 && failed.length === 0) break;
      for (const root of open) {
        const res = await act('hostA', 'retryFailedChildren', root);
        const done = res.ok ? (res.result as { retried: string[]; reopened: string[] }) : null;
        if (done && done.retried.length + done.reopened.length === 0 && (await o.client.zscore(`${o.prefix}:${ROOTS}:failed`, split(root)[1])) !== null) {
          await act('hostB', 'retryJob', root);
        }
      }
      await idle();
      for (const key of await failedJobs()) {
        if (o.healWith === 'bullmq') {
          const [queue, id] = split(key);
          count('bullmqRetries');
          await (await queues.get(queue)!.getJob(id))?.retry('failed').catch(() => undefined);
        } else await act(r.bool() ? 'hostA' : 'hostB', 'retryJob', key);
      }
    }
    await idle();
    const healRepairs = [...stats].filter(([k]) => k.includes('.')).reduce((n, [, c]) => n + c, 0) - repairsBeforeHeal;

    // ---- checks ---------------------------------------------------------------------------
    const exists = async (key: string) => (await o.client.exists(key)) === 1;
    const stateOf = async (key: string) => {
      const [queue, id] = split(key);
      return queues.get(queue)!.getJobState(id);
    };
    let parentsChecked = 0;
    for (const [parent, children] of childrenOf) {
      if (!(await exists(parent))) continue; // deliberately removed
      parentsChecked++;
      const state = await stateOf(parent);
      if (state !== 'completed') {
        fail(tally, 'stuckParents', `${parent} is ${state} at the end`);
        continue;
      }
      const seen = ledger.get(parent)?.lastSeen;
      if (!seen) {
        fail(tally, 'lostResults', `${parent} completed without a run of its processor`);
        continue;
      }
      const missed: string[] = [];
      for (const child of children) {
        if (!(await exists(child))) continue; // deliberately removed (or its subtree was)
        if ((await stateOf(child)) === 'completed' && !seen.has(child)) missed.push(child);
      }
      if (missed.length > 0) fail(tally, 'lostResults', `${parent} completed; its last run saw ${children.length - missed.length} of ${children.length} children, not ${missed.join(', ')}`, missed.length);
    }
    const left = await failedJobs();
    if (left.length > 0) fail(tally, 'unrepaired', `${left.length} jobs still failed, e.g. ${left.slice(0, 3).join(', ')}`, left.length);
    await checkOrphans(o, tally);
    for (const [name, h] of Object.entries(hosts)) if (h.crashed()) fail(tally, 'crashes', `${name} exited: ${h.logTail().slice(-500)}`);

    tally.facts = {
      flows: o.flows,
      jobs: [...childrenOf.values()].reduce((n, c) => n + c.length, 0) + roots.length,
      parentsChecked,
      seconds: Math.round((Date.now() - started) / 1000),
      failuresInjected: injected,
      processorRuns: [...ledger.values()].reduce((n, e) => n + e.runs, 0),
      repairs: [...stats].filter(([k]) => k.includes('.')).reduce((n, [, c]) => n + c, 0),
      repairsRefused: stats.get('refused') ?? 0,
      bursts: stats.get('bursts') ?? 0,
      cliCalls: [...stats].filter(([k]) => k.startsWith('cli.')).reduce((n, [, c]) => n + c, 0),
      removePolicyReopens: stats.get('removePolicyReopens') ?? 0,
      openFlowsAtHeal: atHeal.open,
      failedJobsAtHeal: atHeal.failed,
      healRounds: rounds,
      healRepairs: healRepairs,
      seed: o.seed,
    };
  } finally {
    clearInterval(sample);
    for (const h of Object.values(hosts)) peak = Math.max(peak, h.peakRssMiB() ?? 0);
    await Promise.all(workers.map((w) => w.close(true)));
    await Promise.all([...queues.values()].map((q) => q.close()));
    await Promise.all(Object.values(hosts).map((h) => h.close()));
    await producer.close();
  }
  if (peak > 0) tally.peakHostRssMiB = peak;
  return tally;
}

/** Jobs pointing at no parent, dependencies naming no job, sub-keys without their job. */
async function checkOrphans(o: SoakOptions, tally: Tally): Promise<void> {
  const keys: string[] = [];
  await scanKeys(o.client, `${o.prefix}:*`, { count: 1000, prefix: o.prefix }, (batch) => void keys.push(...batch));
  const all = new Set(keys);
  const SUB = /^(.*):(dependencies|processed|failed|unsuccessful)$/;
  let orphans = 0;
  const note = (what: string) => {
    orphans++;
    if (orphans <= 5) fail(tally, 'orphanKeys', what);
    else tally.zero.orphanKeys++;
  };
  for (const key of keys) {
    const sub = SUB.exec(key);
    if (sub && QUEUES.some((q) => sub[1] === `${o.prefix}:${q}`)) continue; // the queue's own failed set
    if (sub) {
      if (!all.has(sub[1]!)) note(`${key} without its job`);
      if (sub[2] === 'dependencies') for (const dep of await o.client.smembers(key)) if (!(await o.client.exists(dep))) note(`${key} names ${dep}, which is gone`);
      continue;
    }
    const rest = key.slice(o.prefix.length + 1);
    if (rest.split(':').length !== 2 || (await o.client.type(key)) !== 'hash') continue;
    const parentKey = await o.client.hget(key, 'parentKey');
    if (parentKey && !all.has(parentKey) && !(await o.client.exists(parentKey))) note(`${key} has parentKey ${parentKey}, which is gone`);
  }
}
