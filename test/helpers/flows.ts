// Flow-test helpers: BullMQ's own answer for every node of a flow (Job.getState(), the
// parent's Job.getDependencies() and getDependenciesCount()), so tests compare the tree loader
// with BullMQ node for node; a recorder of worker outcomes to await instead of sleeping;
// raw-key writers for bad-data fixtures (a job hash, its parent link, a queue's raw jobs); and
// small and wide real flows (reliability, live and bench). The oracle and the workers take the
// BullMQ module to use (bullmq-versions.ts; BullMQ 6 by default), so a test can run with either
// major.
import { FlowProducer, type ConnectionOptions, type Job, type Processor, type Queue, type Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { BUCKETS, type Bucket, type ChildCounts, type FlowTree } from '../../shared/domain';
import { BULLMQ_6, type Bullmq } from './bullmq-versions';

/** What one node looks like, in words both sides can produce. */
export interface NodeView {
  state: string;
  parentKey: string | null;
  bucket: Bucket | null;
  counts: ChildCounts;
}

/** BullMQ's own key split (RedisQueueBackend.parseNodeKey): `prefix:queue:id`, prefix may hold ':'. */
export function bullmqKeyParts(key: string): { prefix: string; queueName: string; id: string } {
  const last = key.lastIndexOf(':');
  const prev = key.lastIndexOf(':', last - 1);
  return { prefix: key.slice(0, prev), queueName: key.slice(prev + 1, last), id: key.slice(last + 1) };
}

/** The loader's answer in NodeView form, keyed by job key. */
export function loaderView(tree: FlowTree): Map<string, NodeView> {
  return new Map(
    tree.nodes.map((n) => [n.key, { state: n.state, parentKey: n.parentKey, bucket: n.bucket, counts: n.childCounts }]),
  );
}

/**
 * Nothing silently cut: for every node and bucket, the children in the tree plus what a
 * truncation entry says is left must equal the bucket's count. Returns the violations.
 */
export function unaccounted(tree: FlowTree): string[] {
  const inTree = new Map<string, number>();
  for (const n of tree.nodes) {
    if (n.depth === 0 || !n.bucket || !n.parentKey) continue;
    const k = `${n.parentKey} ${n.bucket}`;
    inTree.set(k, (inTree.get(k) ?? 0) + 1);
  }
  const cut = new Map(tree.truncated.map((t) => [`${t.parentKey} ${t.bucket}`, t]));
  const problems: string[] = [];
  for (const n of tree.nodes) {
    for (const b of BUCKETS) {
      const k = `${n.key} ${b}`;
      const shown = inTree.get(k) ?? 0;
      const t = cut.get(k);
      if (t ? t.shown !== shown || t.total !== n.childCounts[b] : shown !== n.childCounts[b]) {
        problems.push(`${k}: ${shown} in tree, count ${n.childCounts[b]}, truncated ${t ? `${t.shown}/${t.total}` : 'no'}`);
      }
    }
  }
  return problems;
}

export class BullmqOracle {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly bullmq: Bullmq = BULLMQ_6.bullmq,
  ) {}

  private queueOf(key: string): { queue: Queue; id: string } {
    const { prefix, queueName, id } = bullmqKeyParts(key);
    const queueKey = `${prefix}:${queueName}`;
    let queue = this.queues.get(queueKey);
    if (!queue) {
      queue = new this.bullmq.Queue(queueName, { connection: this.connection, prefix });
      this.queues.set(queueKey, queue);
    }
    return { queue, id };
  }

  async job(key: string): Promise<Job | undefined> {
    const { queue, id } = this.queueOf(key);
    return this.bullmq.Job.fromId(queue, id);
  }

  /** Job.getState(), or 'missing' when there is no job hash. */
  async state(key: string): Promise<string> {
    const job = await this.job(key);
    return job ? job.getState() : 'missing';
  }

  /** Job.getDependencies() with no options: every bucket, unpaged, as key lists. */
  async dependencies(key: string): Promise<Record<Bucket, string[]>> {
    const job = await this.job(key);
    if (!job) return { processed: [], unprocessed: [], failed: [], ignored: [] };
    const deps = await job.getDependencies();
    return {
      processed: Object.keys(deps.processed ?? {}),
      unprocessed: deps.unprocessed ?? [],
      failed: deps.failed ?? [],
      ignored: Object.keys(deps.ignored ?? {}),
    };
  }

  async counts(key: string): Promise<ChildCounts> {
    const job = await this.job(key);
    if (!job) return { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
    const c = await job.getDependenciesCount();
    return { processed: c.processed ?? 0, unprocessed: c.unprocessed ?? 0, failed: c.failed ?? 0, ignored: c.ignored ?? 0 };
  }

  /** Which bucket of `parentKey` holds `childKey`, by getDependencies(). */
  async bucketIn(parentKey: string, childKey: string): Promise<Bucket | null> {
    const deps = await this.dependencies(parentKey);
    return BUCKETS.find((b) => deps[b].includes(childKey)) ?? null;
  }

  /**
   * BullMQ's view of the whole subtree of `rootKey`, walked with getDependencies() (unpaged),
   * to `depth` levels: the same nodes the loader should return when nothing is truncated.
   */
  async walk(rootKey: string, depth = Infinity): Promise<Map<string, NodeView>> {
    const view = new Map<string, NodeView>();
    const rootJob = await this.job(rootKey);
    const rootParent = rootJob?.parentKey ?? null;
    let level: { key: string; parentKey: string | null; bucket: Bucket | null }[] = [
      { key: rootKey, parentKey: rootParent, bucket: rootParent ? await this.bucketIn(rootParent, rootKey) : null },
    ];
    for (let d = 0; level.length > 0; d++) {
      const next: typeof level = [];
      await Promise.all(
        level.map(async (item) => {
          const [state, counts, deps] = await Promise.all([
            this.state(item.key),
            this.counts(item.key),
            d < depth ? this.dependencies(item.key) : Promise.resolve(null),
          ]);
          view.set(item.key, { state, parentKey: item.parentKey, bucket: item.bucket, counts });
          if (deps) for (const b of BUCKETS) for (const k of deps[b]) next.push({ key: k, parentKey: item.key, bucket: b });
        }),
      );
      level = next.filter((n) => !view.has(n.key));
    }
    return view;
  }

  /** BullMQ's answer for exactly the nodes a loaded tree holds (for truncated trees). */
  async answerFor(tree: FlowTree): Promise<Map<string, NodeView>> {
    const deps = new Map<string, Promise<Record<Bucket, string[]>>>();
    const depsOf = (key: string) => {
      let d = deps.get(key);
      if (!d) deps.set(key, (d = this.dependencies(key)));
      return d;
    };
    const entries = await Promise.all(
      tree.nodes.map(async (n): Promise<[string, NodeView]> => {
        const job = await this.job(n.key);
        const parentKey = n.depth === 0 ? (job?.parentKey ?? null) : n.parentKey;
        let bucket: Bucket | null = null;
        if (parentKey) {
          const d = await depsOf(parentKey);
          bucket = BUCKETS.find((b) => d[b].includes(n.key)) ?? null;
        }
        return [n.key, { state: await this.state(n.key), parentKey, bucket, counts: await this.counts(n.key) }];
      }),
    );
    return new Map(entries);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

export type Outcome = 'completed' | 'failed';

/** Records final outcomes of jobs run by workers, by full job key, and lets a test await them. */
export class JobOutcomes {
  private readonly seen = new Map<string, Outcome>();
  private readonly waiters: { key: string; outcome: Outcome; resolve: () => void }[] = [];

  watch(worker: Worker): Worker {
    worker.on('completed', (job) => this.record(`${job.queueQualifiedName}:${job.id}`, 'completed'));
    // A failure that will be retried has no finishedOn yet: only the final one counts.
    worker.on('failed', (job) => {
      if (job?.finishedOn) this.record(`${job.queueQualifiedName}:${job.id}`, 'failed');
    });
    return worker;
  }

  private record(key: string, outcome: Outcome): void {
    this.seen.set(key, outcome);
    for (const w of [...this.waiters]) {
      if (w.key === key && w.outcome === outcome) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves when every listed job has reached its outcome; rejects after `timeoutMs`. */
  async until(expected: Record<string, Outcome>, timeoutMs = 20_000): Promise<void> {
    const pending = Object.entries(expected).filter(([key, outcome]) => this.seen.get(key) !== outcome);
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all(
      pending.map(([key, outcome]) => new Promise<void>((resolve) => this.waiters.push({ key, outcome, resolve }))),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const late = pending.filter(([key, outcome]) => this.seen.get(key) !== outcome).map(([k, o]) => `${k} ${o}`);
        reject(new Error(`jobs did not finish in ${timeoutMs} ms: ${late.join(', ')}`));
      }, timeoutMs);
    });
    try {
      await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A worker whose jobs fail when `data.fail` is set and otherwise return `data.result` (or the job name). */
export const scriptedProcessor: Processor = async (job) => {
  const data = (job.data ?? {}) as { fail?: string; result?: unknown };
  if (data.fail) throw new Error(data.fail);
  return data.result ?? `${job.name} done`;
};

export function startWorker(
  outcomes: JobOutcomes,
  connection: ConnectionOptions,
  prefix: string,
  queueName: string,
  processor: Processor = scriptedProcessor,
  concurrency = 20,
  bullmq: Bullmq = BULLMQ_6.bullmq,
): Worker {
  return outcomes.watch(new bullmq.Worker(queueName, processor, { connection, prefix, concurrency }));
}

/** Polls `check` until it returns true; for conditions no event announces. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Writes a raw job hash (bad-data fixtures). */
export async function writeJobHash(redis: Redis, key: string, fields: Record<string, string | number>): Promise<void> {
  await redis.hset(key, fields);
}

/** A small, valid job hash as BullMQ would store it, with optional overrides. */
export function jobFields(name: string, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return { name, data: '{}', opts: '{"attempts":1}', timestamp: Date.now(), delay: 0, priority: 0, ...extra };
}

/** The parent link fields a child hash carries: `parentKey` and the `parent` JSON with a policy flag. */
export function parentFields(parentKey: string, flag?: 'fpof' | 'cpof' | 'idof' | 'rdof'): Record<string, string> {
  const { prefix, queueName, id } = bullmqKeyParts(parentKey);
  const parent: Record<string, unknown> = { id, queueKey: `${prefix}:${queueName}` };
  if (flag) parent[flag] = true;
  return { parentKey, parent: JSON.stringify(parent) };
}

/**
 * Raw job hashes of one queue (`queueKey` is `prefix:queue`) for bad-data fixtures: `jobs` maps
 * each id (not a number: object order) to its parent's id or null. Each job sits in
 * waiting-children (scores 1, 2, … in order), or in wait when `waiting` names it; a child is
 * listed in its parent's :dependencies unless `dependencies` is false; `version` is recorded in
 * the queue's meta. Returns each id's job key.
 */
export async function writeRawJobs<Id extends string>(
  redis: Redis | Cluster,
  queueKey: string,
  jobs: Record<Id, NoInfer<Id> | null>,
  opts: { waiting?: NoInfer<Id>[]; dependencies?: boolean; version?: string } = {},
): Promise<Record<Id, string>> {
  const keys = {} as Record<Id, string>;
  let score = 0;
  for (const [id, parentId] of Object.entries(jobs) as [Id, Id | null][]) {
    const key = (keys[id] = `${queueKey}:${id}`);
    const parentKey = parentId === null ? null : `${queueKey}:${parentId}`;
    await redis.hset(key, jobFields(id, parentKey ? parentFields(parentKey) : {}));
    if (opts.waiting?.includes(id)) await redis.rpush(`${queueKey}:wait`, id);
    else await redis.zadd(`${queueKey}:waiting-children`, ++score, id);
    if (parentKey && opts.dependencies !== false) await redis.sadd(`${parentKey}:dependencies`, key);
  }
  if (opts.version) await redis.hset(`${queueKey}:meta`, 'version', opts.version);
  return keys;
}

/** A small real flow written by BullMQ: a root with children a and b, all in `queue`. Returns the root's id. */
export async function addSmallFlow(redis: { connection: ConnectionOptions; prefix: string }, queue: string, rootJobId?: string): Promise<string> {
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  try {
    const added = await flows.add({ name: 'root', queueName: queue, ...(rootJobId ? { opts: { jobId: rootJobId } } : {}), children: [{ name: 'a', queueName: queue }, { name: 'b', queueName: queue }] });
    return added.job.id!;
  } finally {
    await flows.close();
  }
}

/** A real flow written by BullMQ: root `root` in `rootQueue` with `children` waiting children `c-0`… (data `{ i }`) in `items`. */
export async function addWideFlow(redis: { connection: ConnectionOptions; prefix: string }, rootQueue: string, items: string, children: number): Promise<void> {
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  try {
    await flows.add({
      name: 'root',
      queueName: rootQueue,
      opts: { jobId: 'root' },
      children: Array.from({ length: children }, (_, i) => ({ name: 'step', queueName: items, data: { i }, opts: { jobId: `c-${i}` } })),
    });
  } finally {
    await flows.close();
  }
}
