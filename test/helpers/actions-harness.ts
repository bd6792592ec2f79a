// Real BullMQ queues, flows and workers for the action tests, under one prefix per test, with
// processors that count their calls (to prove successful children ran exactly once) and leaves
// that fail while their name is in `broken` (the "bug" a support person waits to be fixed).
// Queues, flows and workers come from the BullMQ module it is given (bullmq-versions.ts; BullMQ 6
// by default).
import type { FlowJob, FlowProducer, Job, Processor, Queue, Worker, WorkerOptions } from 'bullmq';
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

  async addFlow(flow: FlowJob): Promise<{ key: string; id: string }> {
    const node = await this.flows.add(flow);
    const id = node.job.id!;
    return { id, key: this.key(flow.queueName, id) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(true)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.producer?.close();
  }
}

/** A leaf child spec with a policy and one attempt (a failure is final at once). */
export function leaf(name: string, queueName: string, policy: ChildPolicy, extra: Record<string, unknown> = {}): FlowJob {
  return { name, queueName, data: {}, opts: { attempts: 1, ...policyOpts(policy), ...extra } };
}
