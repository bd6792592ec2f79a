// What the tree tests set up around the file's test Redis, once per suite: a client, the key
// prefix, a FlowProducer and the BullmqOracle of one BullMQ major, and workers that record
// their outcomes; created before the suite's first test, closed after its last, in place of
// the beforeAll/afterAll pair each tree test wrote:
//   const redis = testRedisForFile();
//   const bq = oracleForSuite(redis);            // or, in a describe.each(BULLMQ_VERSIONS): oracleForSuite(redis, version)
//   ... bq.flows.add(...), bq.oracle, bq.client, `${bq.P}:queue:id`, bq.worker('queue')
// Read the fields inside hooks and tests (before the suite's beforeAll has run they are unset).
import type { FlowProducer, Processor, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { BULLMQ_6, type BullmqVersion } from './bullmq-versions';
import { BullmqOracle, JobOutcomes, startWorker } from './flows';
import type { TestRedis } from './redis';

export interface WorkerOptions {
  processor?: Processor;
  concurrency?: number;
  /** Another key prefix than the suite's. */
  prefix?: string;
}

export interface OracleSuite {
  /** The suite's key prefix: the file's, with `v<major>` after it when a BullMQ version was given. */
  P: string;
  client: Redis;
  flows: FlowProducer;
  oracle: BullmqOracle;
  /** What the suite's workers recorded. */
  outcomes: JobOutcomes;
  /** A worker of the suite's BullMQ on `queue` (concurrency 20 unless given), closed after the suite. */
  worker(queue: string, options?: WorkerOptions): Worker;
}

export function oracleForSuite(redis: TestRedis, version?: BullmqVersion): OracleSuite {
  const { bullmq } = version ?? BULLMQ_6;
  const workers: Worker[] = [];
  const suite = {
    outcomes: new JobOutcomes(),
    worker(queue: string, { processor, concurrency = 20, prefix }: WorkerOptions = {}) {
      const worker = startWorker(suite.outcomes, redis.connection, prefix ?? suite.P, queue, processor, concurrency, bullmq);
      workers.push(worker);
      return worker;
    },
  } as OracleSuite;
  beforeAll(() => {
    suite.P = version ? `${redis.prefix}v${version.major}` : redis.prefix;
    suite.client = redis.client();
    suite.flows = new bullmq.FlowProducer({ connection: redis.connection, prefix: suite.P });
    suite.oracle = new BullmqOracle(redis.connection, bullmq);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([suite.flows?.close(), suite.oracle?.close()]);
  });
  return suite;
}
