// Scenario-test harness: a worker host and a scenario runner on the test Redis under a prefix
// of their own (so tests in one file never see each other's jobs), BullMQ's own view of any
// job (BullmqOracle), final job outcomes from the host's events to await instead of sleeping,
// and the leftovers a clean close must not leave (lock keys, active jobs).
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createScenarioRunner, type ScenarioRunner } from '../../electron/core/scenarios';
import { createWorkerHost, type HostJobEvent, type WorkerHost } from '../../electron/core/workers';
import { memoryLogger } from '../../electron/core/log/logger';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { BullmqOracle, bullmqKeyParts } from './flows';
import type { TestRedis } from './redis';
import { standIn } from './stand-in';

export type FinalOutcome = 'completed' | 'failed';

/** Final outcomes of jobs run by the host's workers, by full job key. */
export class HostOutcomes {
  private readonly seen = new Map<string, FinalOutcome>();
  private readonly events: HostJobEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(host: WorkerHost) {
    host.onJob((event) => {
      this.events.push(event);
      if (event.final) this.seen.set(event.key, event.outcome);
      for (const wake of [...this.waiters]) wake();
    });
  }

  outcome(key: string): FinalOutcome | undefined {
    return this.seen.get(key);
  }

  /** Every event so far (retried failures included), oldest first. */
  all(): readonly HostJobEvent[] {
    return this.events;
  }

  /** Resolves when every listed job has reached its final outcome; rejects after `timeoutMs`. */
  async until(expected: Record<string, FinalOutcome>, timeoutMs = 20_000): Promise<void> {
    const late = () => Object.entries(expected).filter(([key, outcome]) => this.seen.get(key) !== outcome);
    await this.waitFor(() => late().length === 0, timeoutMs, () => `jobs did not finish as expected: ${late().map(([k, o]) => `${k} ${o} (is ${this.seen.get(k) ?? 'unfinished'})`).join(', ')}`);
  }

  /** Resolves when every listed job has a final outcome, whichever it is. */
  async settled(keys: readonly string[], timeoutMs = 20_000): Promise<void> {
    const open = () => keys.filter((k) => !this.seen.has(k));
    await this.waitFor(() => open().length === 0, timeoutMs, () => `jobs did not finish: ${open().join(', ')}`);
  }

  /** Resolves with the first event (past or future) that matches. */
  async event(match: (e: HostJobEvent) => boolean, timeoutMs = 20_000, what = 'a matching job event'): Promise<HostJobEvent> {
    let found: HostJobEvent | undefined;
    await this.waitFor(() => (found = this.events.find(match)) !== undefined, timeoutMs, () => `no ${what}`);
    return found as HostJobEvent;
  }

  private waitFor(done: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${why()} after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
    });
  }
}

export interface ScenarioHarness {
  prefix: string;
  host: WorkerHost;
  runner: ScenarioRunner;
  outcomes: HostOutcomes;
  oracle: BullmqOracle;
  client: Redis;
  log: ReturnType<typeof memoryLogger>;
  /** A BullMQ Queue under the harness prefix (closed with the harness). */
  queue(name: string): Queue;
  /** The job behind a full key, as BullMQ reads it. */
  job(key: string): Promise<Job>;
  /** `P:Q:*:lock` keys under the harness prefix: a job still locked by some worker. */
  lockKeys(): Promise<string[]>;
  /** Jobs in `active` over the given queues. */
  activeCount(queues: readonly string[]): Promise<number>;
  /** Stops the scenarios and closes the workers and queues (once; later calls wait for the same close). */
  close(): Promise<void>;
}

let harnesses = 0;

export async function scenarioHarness(redis: TestRedis, closeTimeoutMs = 2_000): Promise<ScenarioHarness> {
  const prefix = `${redis.prefix}h${++harnesses}`;
  const log = memoryLogger();
  const host = createWorkerHost({ connection: redis.url, prefix, log, closeTimeoutMs });
  const runner = createScenarioRunner(host, { log });
  const outcomes = new HostOutcomes(host);
  const oracle = new BullmqOracle(redis.connection);
  const client = redis.client();
  const queues = new Map<string, Queue>();
  let closed: Promise<void> | undefined;
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = new Queue(name, { connection: redis.connection, prefix })));
    return q;
  };
  return {
    prefix,
    host,
    runner,
    outcomes,
    oracle,
    client,
    log,
    queue,
    async job(key) {
      const job = await oracle.job(key);
      if (!job) throw new Error(`no job ${key}`);
      return job;
    },
    async lockKeys() {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}:*:lock`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      return keys;
    },
    async activeCount(names) {
      const counts = await Promise.all(names.map((n) => client.llen(`${prefix}:${n}:active`)));
      return counts.reduce((a, b) => a + b, 0);
    },
    close() {
      closed ??= (async () => {
        await runner.stopAll({ timeoutMs: 500 });
        await host.closeAll({ timeoutMs: 500 });
        await Promise.all([...queues.values()].map((q) => q.close()));
        await oracle.close();
      })();
      return closed;
    },
  };
}

/** One harness for the tests of the describe block this is called in: made before its first test, closed after its last. */
export function scenarioHarnessForSuite(redis: TestRedis, closeTimeoutMs?: number): ScenarioHarness {
  let harness: ScenarioHarness | undefined;
  beforeAll(async () => {
    harness = await scenarioHarness(redis, closeTimeoutMs);
  });
  afterAll(async () => harness?.close());
  return standIn('scenarioHarnessForSuite: the harness', () => harness);
}

/** A harness for the running test, closed when the test finishes (passed or failed). */
export async function scenarioHarnessForTest(redis: TestRedis, closeTimeoutMs?: number): Promise<ScenarioHarness> {
  const harness = await scenarioHarness(redis, closeTimeoutMs);
  onTestFinished(() => harness.close());
  return harness;
}

/** The queue name inside a full job key. */
export function queueOf(key: string): string {
  return bullmqKeyParts(key).queueName;
}
