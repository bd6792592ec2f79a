// Hosts BullMQ workers inside the core: start, stop and list them on one connection and
// prefix, with live counts, and close them all cleanly. Closing is graceful first (BullMQ's
// close() stops fetching and waits for running jobs); after a timeout the jobs still running
// are moved back to wait with their own lock token, so no job stays locked by a worker of
// ours that is gone (see running-jobs.ts).
import { Worker, type Job, type Processor, type RedisOptions } from 'bullmq';
import { FlowscopeError } from '../../../shared/errors';
import type { Logger } from '../log/logger';
import { probeRedis } from './probe-redis';
import { trackRunningJobs, type RunningJob } from './running-jobs';
import { toBullmqConnection, type WorkerConnection } from './worker-connection';
import type { HostJobEvent, WorkerInfo, WorkerState } from './worker-info';

export interface WorkerHostOptions {
  connection: WorkerConnection;
  /** BullMQ key prefix of every hosted worker (BullMQ's default is `bull`). */
  prefix: string;
  log?: Logger;
  /** How long stop() and closeAll() wait for running jobs before moving them back to wait. */
  closeTimeoutMs?: number;
  /** How long start() waits for a worker to connect. */
  connectTimeoutMs?: number;
}

export interface WorkerSpec {
  /** Queue name (BullMQ 6 refuses ':' in queue names). */
  queue: string;
  /** BullMQ processor; its third argument is an AbortSignal that fires when the host gives the job up. */
  processor: Processor;
  /** Jobs run at once; default 1. */
  concurrency?: number;
  /** Who starts it (a scenario name), shown in the list. */
  owner?: string;
  /** BullMQ lock duration in ms (default 30 000). */
  lockDurationMs?: number;
}

export interface CloseOptions {
  timeoutMs?: number;
}

export interface WorkerHost {
  readonly prefix: string;
  /** The connection options every hosted worker uses (for Queues and FlowProducers next to them). */
  readonly connection: RedisOptions;
  /** Starts a worker and resolves once it is connected and fetching. */
  start(spec: WorkerSpec): Promise<WorkerInfo>;
  /** Closes one worker (graceful, then its running jobs go back to wait). */
  stop(id: string, options?: CloseOptions): Promise<void>;
  setConcurrency(id: string, concurrency: number): WorkerInfo;
  list(): WorkerInfo[];
  get(id: string): WorkerInfo | undefined;
  /** Every completed or failed processor run of a hosted worker; returns the unsubscribe function. */
  onJob(listener: (event: HostJobEvent) => void): () => void;
  closeAll(options?: CloseOptions): Promise<void>;
}

interface Hosted {
  id: string;
  worker: Worker;
  queue: string;
  owner: string | null;
  startedAt: number;
  state: WorkerState;
  completed: number;
  failed: number;
  running: Set<RunningJob>;
  closing?: Promise<void>;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** After releasing its jobs, how long a worker gets to finish closing before it is disconnected. */
const AFTER_RELEASE_MS = 5_000;
const MAX_CONCURRENCY = 1_000;

const silentLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createWorkerHost(options: WorkerHostOptions): WorkerHost {
  const connection = toBullmqConnection(options.connection);
  const { prefix } = options;
  const log = options.log ?? silentLog;
  const defaultTimeout = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const hosted = new Map<string, Hosted>();
  const listeners = new Set<(event: HostJobEvent) => void>();
  let counter = 0;

  const info = (h: Hosted): WorkerInfo => ({
    id: h.id,
    queue: h.queue,
    owner: h.owner,
    concurrency: h.worker.concurrency,
    running: h.running.size,
    processed: h.completed + h.failed,
    completed: h.completed,
    failed: h.failed,
    startedAt: h.startedAt,
    state: h.state,
  });

  const find = (id: string): Hosted => {
    const h = hosted.get(id);
    if (!h) throw new FlowscopeError('NOT_FOUND', `No hosted worker ${id}.`);
    return h;
  };

  const emitJob = (event: HostJobEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        log.warn('a worker event listener threw', { error: String(error) });
      }
    }
  };

  async function close(h: Hosted, timeoutMs: number): Promise<void> {
    h.state = 'closing';
    const graceful = h.worker.close();
    if (await settlesWithin(graceful, timeoutMs)) return;
    log.warn('worker still busy at close; moving its running jobs back to wait', {
      worker: h.id,
      running: h.running.size,
      timeoutMs,
    });
    await Promise.all([...h.running].map((r) => r.release(`worker ${h.id} closed by Flowscope`)));
    if (await settlesWithin(graceful, AFTER_RELEASE_MS)) return;
    log.error('worker did not close after releasing its jobs; disconnecting it', { worker: h.id });
    await settlesWithin(h.worker.disconnect(), AFTER_RELEASE_MS);
  }

  function closeOnce(h: Hosted, timeoutMs: number): Promise<void> {
    h.closing ??= close(h, timeoutMs).finally(() => hosted.delete(h.id));
    return h.closing;
  }

  return {
    prefix,
    connection,

    async start(spec) {
      if (!spec.queue || spec.queue.includes(':')) {
        throw new FlowscopeError('BAD_REQUEST', `Queue name ${JSON.stringify(spec.queue)} is empty or contains ':' (BullMQ refuses it).`);
      }
      const concurrency = spec.concurrency ?? 1;
      checkConcurrency(concurrency);
      const unreachable = await probeRedis(connection, connectTimeoutMs);
      if (unreachable !== null) throw new FlowscopeError('REDIS_UNAVAILABLE', `Cannot start a worker for ${spec.queue}: Redis does not answer (${unreachable}).`);
      const id = `w${++counter}-${spec.queue}`;
      const running = new Set<RunningJob>();
      const worker = new Worker(spec.queue, trackRunningJobs(spec.processor, running, log), {
        connection,
        prefix,
        concurrency,
        // Stored in each job's `pb` field: which worker processed it.
        name: `flowscope:${spec.owner ?? id}`,
        ...(spec.lockDurationMs ? { lockDuration: spec.lockDurationMs } : {}),
      });
      const h: Hosted = {
        id,
        worker,
        queue: spec.queue,
        owner: spec.owner ?? null,
        startedAt: Date.now(),
        state: 'running',
        completed: 0,
        failed: 0,
        running,
      };
      // Without a listener an 'error' event would throw in the emitter.
      worker.on('error', (error) => log.warn('worker error', { worker: id, error: error.message }));
      const jobEvent = (job: Job, outcome: 'completed' | 'failed', final: boolean, failedReason?: string) =>
        emitJob({
          workerId: id,
          queue: spec.queue,
          jobId: job.id ?? '',
          key: `${job.queueQualifiedName}:${job.id}`,
          name: job.name,
          outcome,
          final,
          attemptsMade: job.attemptsMade,
          ...(failedReason !== undefined ? { failedReason } : {}),
        });
      worker.on('completed', (job) => {
        h.completed++;
        jobEvent(job, 'completed', true);
      });
      worker.on('failed', (job, error) => {
        h.failed++;
        // A failure that BullMQ will retry leaves finishedOn unset.
        if (job) jobEvent(job, 'failed', Boolean(job.finishedOn), job.failedReason ?? error.message);
      });
      hosted.set(id, h);
      // Redis answered the probe, but ioredis retries for ever: keep a deadline all the same.
      const ready = worker.waitUntilReady().then(
        () => null,
        (error: unknown) => String(error),
      );
      const problem = (await settlesWithin(ready, connectTimeoutMs)) ? await ready : `no answer in ${connectTimeoutMs} ms`;
      if (problem !== null) {
        hosted.delete(id);
        // Either call can wait on the connection that never came: bound both.
        await settlesWithin(worker.close(true), 1_000);
        await settlesWithin(worker.disconnect(), 1_000);
        throw new FlowscopeError('REDIS_UNAVAILABLE', `Worker for ${spec.queue} could not connect to Redis: ${problem}`);
      }
      log.info('worker started', { worker: id, queue: spec.queue, concurrency, owner: h.owner });
      return info(h);
    },

    async stop(id, opts) {
      await closeOnce(find(id), opts?.timeoutMs ?? defaultTimeout);
      log.info('worker stopped', { worker: id });
    },

    setConcurrency(id, concurrency) {
      checkConcurrency(concurrency);
      const h = find(id);
      h.worker.concurrency = concurrency;
      return info(h);
    },

    list: () => [...hosted.values()].map(info),

    get(id) {
      const h = hosted.get(id);
      return h ? info(h) : undefined;
    },

    onJob(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async closeAll(opts) {
      const timeoutMs = opts?.timeoutMs ?? defaultTimeout;
      await Promise.all([...hosted.values()].map((h) => closeOnce(h, timeoutMs)));
    },
  };
}

function checkConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new FlowscopeError('BAD_REQUEST', `Concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}.`);
  }
}

/** True when `promise` settles within `ms` (its rejection counts as settled). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
