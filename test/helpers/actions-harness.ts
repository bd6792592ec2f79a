// Real BullMQ queues, flows and workers for the action tests, under one prefix per test, with
// processors that count their calls (to prove successful children ran exactly once) and leaves
// that fail while their name is in `broken` (the "bug" a support person waits to be fixed).
// Queues, flows and workers come from the BullMQ module it is given (bullmq-versions.ts; BullMQ 6
// by default). Also the fixtures the action tests share: a harness per test (closed after it),
// workers started in one call, the broken leaf failing last, held-active jobs, a plain failed
// job, and the flows most tests run.
import type { FlowJob, FlowProducer, Job, JobType, Processor, Queue, Worker, WorkerOptions } from 'bullmq';
import { afterEach } from 'vitest';
import { waitForState, waitUntil } from './actions-wait';
import { BULLMQ_6, type Bullmq } from './bullmq-versions';
import type { ConnectionOptions } from 'bullmq';
import type { RedisClient } from '../../electron/core/connection/redis-client';
import { policyOpts, type ChildPolicy } from './child-policies';

/** Where the harness works: a test Redis (helpers/redis.ts) or a topology (helpers/topologies). */
export interface HarnessTarget {
  /** A prefix of this test file; on a cluster it carries a hash tag (`{fs…}`). */
  prefix: string;
  /** BullMQ's connection: options, or a client instance (a Cluster). */
  connection: ConnectionOptions;
  client(): RedisClient;
}

let harnessCount = 0;

export class FlowHarness {
  readonly prefix: string;
  readonly client: RedisClient;
  /** Processor calls by job name. */
  readonly calls = new Map<string, number>();
  /** Job names whose processor throws. */
  readonly broken = new Set<string>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly holds: (() => void)[] = [];
  private producer: FlowProducer | null = null;

  constructor(
    private readonly redis: HarnessTarget,
    readonly bullmq: Bullmq = BULLMQ_6.bullmq,
  ) {
    this.prefix = `${redis.prefix}h${++harnessCount}`;
    this.client = redis.client();
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new this.bullmq.Queue(name, { connection: this.redis.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  get flows(): FlowProducer {
    this.producer ??= new this.bullmq.FlowProducer({ connection: this.redis.connection, prefix: this.prefix });
    return this.producer;
  }

  key(queue: string, id: string): string {
    return `${this.prefix}:${queue}:${id}`;
  }

  count(name: string): number {
    return this.calls.get(name) ?? 0;
  }

  private record(name: string): void {
    this.calls.set(name, this.count(name) + 1);
  }

  /** A worker on `queue`; its processor's calls are counted by job name. */
  worker(queue: string, processor: Processor, opts: Partial<WorkerOptions> = {}): Worker {
    const w = new this.bullmq.Worker(
      queue,
      async (job, token, signal) => {
        this.record(job.name);
        return processor(job, token, signal);
      },
      { connection: this.redis.connection, prefix: this.prefix, concurrency: 20, ...opts },
    );
    w.on('error', () => undefined);
    this.workers.push(w);
    return w;
  }

  /** Leaves: return `r:<name>`, or throw while their name is in `broken`. */
  leafWorker(queue: string, opts: Partial<WorkerOptions> = {}): Worker {
    return this.worker(
      queue,
      async (job: Job) => {
        if (this.broken.has(job.name)) throw new Error(`${job.name} is broken`);
        return `r:${job.name}`;
      },
      opts,
    );
  }

  /** Parents: return their children's results, sorted, so a test sees exactly what was aggregated. */
  parentWorker(queue: string, opts: Partial<WorkerOptions> = {}): Worker {
    return this.worker(
      queue,
      async (job: Job) => {
        if (this.broken.has(job.name)) throw new Error(`${job.name} is broken`);
        const values = await job.getChildrenValues<unknown>();
        return Object.values(values)
          .map((v) => (Array.isArray(v) ? v.join('+') : String(v)))
          .sort();
      },
      opts,
    );
  }

  /** Jobs on `queue` stay active (a worker holds their locks) until the harness closes, then return `result`. */
  heldWorker(queue: string, result: unknown = 'held'): Worker {
    const held = new Promise<void>((resolve) => this.holds.push(resolve));
    return this.worker(queue, async () => {
      await held;
      return result;
    });
  }

  /** Starts the workers a flow needs before it is added: the jobs named in `broken` fail, parent workers on `parents`, leaf workers on `leaves`. */
  start(workers: { broken?: string[]; parents?: string[]; leaves?: string[] }): this {
    for (const name of workers.broken ?? []) this.broken.add(name);
    for (const queue of workers.parents ?? []) this.parentWorker(queue);
    for (const queue of workers.leaves ?? []) this.leafWorker(queue);
    return this;
  }

  /** Waits until `queue` holds `n` jobs in `state`, by BullMQ's own counts. */
  async until(queue: string, state: JobType, n: number): Promise<void> {
    await waitUntil(async () => (await this.queue(queue).getJobCountByTypes(state)) === n, `${n} ${state} job(s) in ${queue}`);
  }

  /**
   * The broken leaf fails last: once `completed` jobs of `leaves` are done, starts the leaf worker
   * on `flaky`, and, given `failed`, waits until that many of its jobs have failed.
   */
  async flakyLast(completed: number, failed?: number): Promise<void> {
    await this.until('leaves', 'completed', completed);
    this.leafWorker('flaky');
    if (failed !== undefined) await this.until('flaky', 'failed', failed);
  }

  /** A plain job `name` on `queue` (leaf worker started) that failed for good, then fixed (no longer broken): what retry job starts from. */
  async failedJob(queue: string, name: string): Promise<Job> {
    this.broken.add(name);
    this.leafWorker(queue);
    const job = await this.queue(queue).add(name, {}, { attempts: 1 });
    await waitForState(this.queue(queue), job.id!, 'failed');
    this.broken.delete(name);
    return job;
  }

  /** What a job returned (BullMQ's Job.returnvalue). */
  async returned(queue: string, id: string): Promise<unknown> {
    return (await this.queue(queue).getJob(id))!.returnvalue;
  }

  async addFlow(flow: FlowJob): Promise<{ key: string; id: string }> {
    const node = await this.flows.add(flow);
    const id = node.job.id!;
    return { id, key: this.key(flow.queueName, id) };
  }

  /**
   * A fan-out of `children` ignore-policy `item`s (one attempt, data `{ n }`) on `items` under
   * `fan-out` on `parents`, run by this harness's workers until the parent completes: the items
   * `fails(n)` picks fail ('item' broken meanwhile, fixed after), and the parent returns how many
   * results it got. Returns the parent.
   */
  async settledFanOut(children: number, fails: (n: number) => boolean): Promise<{ key: string; id: string }> {
    this.broken.add('item');
    this.worker(
      'items',
      async (job) => {
        if (job.data.fail && this.broken.has('item')) throw new Error('item is broken');
        return job.data.n;
      },
      { concurrency: 200 },
    );
    this.worker('parents', async (job) => Object.keys(await job.getChildrenValues()).length);
    const parent = await this.addFlow({
      name: 'fan-out',
      queueName: 'parents',
      children: Array.from({ length: children }, (_, n) => ({
        name: 'item',
        queueName: 'items',
        data: { n, fail: fails(n) },
        opts: { attempts: 1, ignoreDependencyOnFailure: true },
      })),
    });
    await waitForState(this.queue('parents'), parent.id, 'completed', 120_000);
    this.broken.delete('item');
    return parent;
  }

  async close(): Promise<void> {
    for (const release of this.holds.splice(0)) release();
    await Promise.all(this.workers.map((w) => w.close(true)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.producer?.close();
  }
}

/** A leaf child spec with a policy and one attempt (a failure is final at once). */
export function leaf(name: string, queueName: string, policy: ChildPolicy, extra: Record<string, unknown> = {}): FlowJob {
  return { name, queueName, data: {}, opts: { attempts: 1, ...policyOpts(policy), ...extra } };
}

/** One child in each state a job with no worker waits in, on the `idle` queue: waiting `w`, delayed `d`, prioritized `pr`. */
export function idleChildren(): FlowJob[] {
  return [
    { name: 'w', queueName: 'idle' },
    { name: 'd', queueName: 'idle', opts: { delay: 60_000 } },
    { name: 'pr', queueName: 'idle', opts: { priority: 3 } },
  ];
}

/**
 * A parent's children in every state, once the test runs `h.start({ broken: ['f'], leaves: ['leaves'] })`
 * and `h.heldWorker('busy', …)`: idleChildren, then `extra`, then `act` held active on busy, `f`
 * failed and `done` completed on leaves (no policy).
 */
export function everyStateChildren(...extra: FlowJob[]): FlowJob[] {
  return [...idleChildren(), ...extra, { name: 'act', queueName: 'busy' }, leaf('f', 'leaves', 'none'), leaf('done', 'leaves', 'none')];
}

/** Leaf specs (leaf) named `names` on the `leaves` queue, all with `policy`. */
export function leavesOf(policy: ChildPolicy, ...names: string[]): FlowJob[] {
  return names.map((name) => leaf(name, 'leaves', policy));
}

/** The one-level flow of the action tests: parent `agg` on `parents` over `children`. */
export function agg(children: FlowJob[], opts?: FlowJob['opts']): FlowJob {
  return { name: 'agg', queueName: 'parents', ...(opts ? { opts } : {}), children };
}

/** The fail-parent cascade: root (roots) over mid (mids) over leaf (flaky) and leaf2 (leaves), all fail-parent, beside `siblings`. */
export function cascadeFlow(siblings: FlowJob[]): FlowJob {
  return {
    name: 'root',
    queueName: 'roots',
    children: [
      {
        name: 'mid',
        queueName: 'mids',
        opts: { failParentOnFailure: true, attempts: 1 },
        children: [leaf('leaf', 'flaky', 'fail-parent'), leaf('leaf2', 'leaves', 'fail-parent')],
      },
      ...siblings,
    ],
  };
}

/** A FlowHarness per test, closed after it: `const harness = harnessPerTest(redis);` then `const h = harness(bullmq);` in a test. */
export function harnessPerTest(target: HarnessTarget): (bullmq?: Bullmq) => FlowHarness {
  const open: FlowHarness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });
  return (bullmq) => {
    const h = new FlowHarness(target, bullmq);
    open.push(h);
    return h;
  };
}
