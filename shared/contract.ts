// The one contract between the core and every client: the API methods (an input schema and
// an output type each) and the push events. Both transports, the preload and the renderer's
// clients are derived from this file.
import { z } from 'zod';
import type { AuditEntry, FlowHistory, PromoteResult, RemoveJobResult, RemoveUnprocessedResult, RetryResult } from './actions';
import { SCENARIO_NAMES, knobsPatchSchema, type Knobs, type ScenarioInfo, type ScenarioRun, type StoppedScenario, type WorkerInfo } from './scenarios';
import {
  BUCKETS,
  JOB_STATES,
  type AppInfo,
  type ChildrenPage,
  type ConnectionList,
  type ConnectionStatus,
  type ConnectionTest,
  type FlowList,
  type FlowPatch,
  type FlowSnapshot,
  type FlowTree,
  type JobDetail,
  type QueueInfo,
  type SavedConnection,
  type WatchEvent,
  type WatchInfo,
} from './domain';
import { MAX_FIELD_CHUNK_BYTES, READABLE_JOB_FIELDS, type JobFieldChunk } from './answer-limits';
import type { ErrorPayload } from './errors';
import { parseRedisUrl, RedisUrlError } from './redis-url';

/**
 * What a call changes in Redis. Declared once per method here; a read-only connection refuses
 * every call that would change Redis, in one place (electron/core/dispatch.ts).
 */
export type Changes = 'nothing' | 'redis' | 'redis-unless-dry-run';

/** A method: its input schema, what it changes, and its output type carried as a phantom. */
export interface MethodSpec<I extends z.ZodType, O> {
  readonly input: I;
  readonly changes: Changes;
  readonly output?: O;
}

const method =
  <O>(changes: Changes = 'nothing') =>
  <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input, changes });

const noArgs = z.strictObject({});

/** A queue name as BullMQ allows it (older versions allowed ':'). */
export const queueNameSchema = z.string().min(1, 'queue is required').max(512);
/** A job id: BullMQ ids are strings (numbers or UUIDs by default). */
export const jobIdSchema = z.string().min(1, 'jobId is required').max(512);
/** A full job key `P:Q:id`. */
export const jobKeySchema = z.string().min(3).max(2048).regex(/^.+:.+:.+$/, 'must be a full job key such as bull:queue:id');
/** A Redis URL in one of the forms of shared/redis-url.ts; the parser's message says what is wrong. */
export const redisUrlSchema = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    try {
      parseRedisUrl(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof RedisUrlError ? err.message : 'must be a Redis URL' });
    }
  });
/** What a connection needs beside its URL: a CA file for TLS, a Sentinel password. */
const connectionExtras = {
  tlsCaFile: z.string().trim().min(1).max(4096).optional(),
  sentinelPassword: z.string().max(1024).optional(),
};
export const prefixSchema = z.string().min(1).max(256).regex(/^\S+$/, 'must not contain spaces');
const connectionIdSchema = z.string().min(1).max(64);
const depthSchema = z.int().min(0).max(1000);
const pageSizeSchema = z.int().min(1).max(10_000);

export const methods = {
  getAppInfo: method<AppInfo>()(noArgs),
  getConnectionStatus: method<ConnectionStatus>()(noArgs),
  listConnections: method<ConnectionList>()(noArgs),
  saveConnection: method<SavedConnection>()(
    z.strictObject({
      id: connectionIdSchema.optional(),
      name: z.string().trim().min(1, 'name is required').max(100),
      url: redisUrlSchema,
      ...connectionExtras,
      prefix: prefixSchema.default('bull'),
      readOnly: z.boolean().default(false),
    }),
  ),
  removeConnection: method<{ removed: boolean }>()(z.strictObject({ id: connectionIdSchema })),
  testConnection: method<ConnectionTest>()(
    z.union([z.strictObject({ id: connectionIdSchema }), z.strictObject({ url: redisUrlSchema, ...connectionExtras, prefix: prefixSchema.default('bull') })]),
  ),
  useConnection: method<ConnectionStatus>()(z.strictObject({ id: connectionIdSchema })),
  /** The queues under the prefix, from the core's copy; `rescan` looks for new ones with a SCAN of the keyspace first. */
  listQueues: method<QueueInfo[]>()(z.strictObject({ rescan: z.boolean().optional() })),
  getFlowTree: method<FlowTree>()(
    z.strictObject({ queue: queueNameSchema, jobId: jobIdSchema, depth: depthSchema.optional(), pageSize: pageSizeSchema.optional() }),
  ),
  getChildrenPage: method<ChildrenPage>()(
    z.strictObject({
      parentKey: jobKeySchema,
      bucket: z.enum(BUCKETS),
      cursor: z.int().min(0),
      pageSize: pageSizeSchema.optional(),
      parentDepth: depthSchema.optional(),
      depth: depthSchema.optional(),
      shown: z.int().min(0).optional(),
      /** The live view the page is for: its children then get patches like the rest of the view. */
      subscriptionId: z.string().min(1).max(64).optional(),
    }),
  ),
  listFlows: method<FlowList>()(
    z.strictObject({
      queue: queueNameSchema.optional(),
      name: z.string().min(1).max(512).optional(),
      state: z.enum([...JOB_STATES, 'stuck', 'has-failed-children']).optional(),
      /** A job id, full key, `queue:id`, `#id`, Flowscope link or id prefix (see electron/core/flows/job-search.ts). */
      search: z.string().min(1).max(2048).optional(),
      cursor: z.string().max(4096).optional(),
      limit: z.int().min(1).max(500).optional(),
    }),
  ),
  getJob: method<JobDetail>()(z.strictObject({ key: jobKeySchema, logLines: z.int().min(0).max(1000).optional() })),
  /** Part of a job field getJob answered cut (its `cut` says which): bytes from `offset`, at most MAX_FIELD_CHUNK_BYTES. */
  getJobField: method<JobFieldChunk>()(
    z.strictObject({
      key: jobKeySchema,
      field: z.enum(READABLE_JOB_FIELDS),
      offset: z.int().min(0),
      length: z.int().min(1).max(MAX_FIELD_CHUNK_BYTES).optional(),
    }),
  ),
  subscribeFlow: method<FlowSnapshot>()(
    z.strictObject({ queue: queueNameSchema, jobId: jobIdSchema, depth: depthSchema.optional(), pageSize: pageSizeSchema.optional() }),
  ),
  retryFailedChildren: method<RetryResult>('redis-unless-dry-run')(
    z.strictObject({
      parentKey: jobKeySchema,
      dryRun: z.boolean().default(false),
      keepAttempts: z.boolean().optional(),
      includeSuperseded: z.boolean().optional(),
    }),
  ),
  removeUnprocessed: method<RemoveUnprocessedResult>('redis-unless-dry-run')(z.strictObject({ parentKey: jobKeySchema, dryRun: z.boolean().default(false) })),
  retryJob: method<RetryResult>('redis-unless-dry-run')(
    z.strictObject({ key: jobKeySchema, dryRun: z.boolean().default(false), keepAttempts: z.boolean().optional() }),
  ),
  removeJob: method<RemoveJobResult>('redis-unless-dry-run')(z.strictObject({ key: jobKeySchema, dryRun: z.boolean().default(false) })),
  promoteJob: method<PromoteResult>('redis')(z.strictObject({ key: jobKeySchema })),
  listAudit: method<AuditEntry[]>()(z.strictObject({ limit: z.int().min(1).max(10_000).optional() })),
  /** The audit entries naming any of `keys` (the jobs of a flow in view), newest first, bounded. */
  listFlowHistory: method<FlowHistory>()(
    z.strictObject({ keys: z.array(jobKeySchema).min(1, 'keys must name at least one job').max(10_000), limit: z.int().min(1).max(500).optional() }),
  ),
  /** A flow's tree exactly as `flowscope tree --json` prints it (nodes in the printed order). */
  exportFlow: method<FlowTree>()(
    z.strictObject({ queue: queueNameSchema, jobId: jobIdSchema, depth: depthSchema.optional(), pageSize: pageSizeSchema.optional() }),
  ),
  listScenarios: method<ScenarioInfo[]>()(noArgs),
  listScenarioRuns: method<ScenarioRun[]>()(noArgs),
  runScenario: method<{ run: ScenarioRun; seeded: string[] }>('redis')(
    z.strictObject({ name: z.enum(SCENARIO_NAMES), knobs: knobsPatchSchema.optional() }),
  ),
  setScenarioKnobs: method<Knobs>()(z.strictObject({ name: z.enum(SCENARIO_NAMES), knobs: knobsPatchSchema })),
  stopScenario: method<{ stopped: boolean }>()(z.strictObject({ name: z.enum(SCENARIO_NAMES) })),
  listWorkers: method<WorkerInfo[]>()(noArgs),
  /** Scenarios a switch away from the connection in use stopped (they run again only when asked). */
  listStoppedScenarios: method<StoppedScenario[]>()(noArgs),
  /**
   * Runs the stopped scenarios named (every one when `names` is absent) again with the knobs they had:
   * their workers start (and take up the jobs their flows left waiting), and each seeds its flows anew.
   * `forget` drops them from the list instead.
   */
  restartStoppedScenarios: method<{ restarted: StoppedScenario['name'][]; seeded: string[] }>()(
    z.strictObject({ names: z.array(z.enum(SCENARIO_NAMES)).max(SCENARIO_NAMES.length).optional(), forget: z.boolean().optional() }),
  ),
  resyncFlow: method<FlowSnapshot>()(z.strictObject({ subscriptionId: z.string().min(1).max(64) })),
  unsubscribeFlow: method<{ unsubscribed: boolean }>()(z.strictObject({ subscriptionId: z.string().min(1).max(64) })),
  /** Watches a flow: a `watchEvent` when it completes, fails or becomes stuck. Reads only (allowed read-only). */
  watchFlow: method<WatchInfo>()(z.strictObject({ queue: queueNameSchema, jobId: jobIdSchema })),
  /** Watches a queue: a `watchEvent` when a flow rooted in it completes or fails, or a job of it blocks its flow. */
  watchQueue: method<WatchInfo>()(z.strictObject({ queue: queueNameSchema })),
  unwatch: method<{ unwatched: boolean }>()(z.strictObject({ watchId: z.string().min(1).max(64) })),
  listWatches: method<WatchInfo[]>()(noArgs),
} as const;

type Methods = typeof methods;
export type MethodName = keyof Methods;
export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

/** Whether this call, with its validated arguments, would change Redis (a preview does not). */
export function changesRedis(name: MethodName, args: unknown): boolean {
  const { changes } = methods[name];
  if (changes === 'redis-unless-dry-run') return (args as { dryRun?: boolean } | undefined)?.dryRun !== true;
  return changes === 'redis';
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

/** Push events from the core to every client. */
export interface EventMap {
  connectionStatus: ConnectionStatus;
  queues: QueueInfo[];
  /** Changes to a subscribed flow view (sent to the subscribing client only). */
  flowPatch: FlowPatch;
  /** A fresh snapshot after the core lost track of a view (reconnect, trimmed stream). */
  flowSnapshot: FlowSnapshot;
  /** Running scenarios with their call counters and workers (at most a few times a second). */
  scenarioRuns: ScenarioRun[];
  /** A watched flow completed, failed, became stuck, or its watch ended (sent to the watching client only). */
  watchEvent: WatchEvent;
}
export type EventName = keyof EventMap;
export type PushEvent = { [E in EventName]: { event: E; payload: EventMap[E] } }[EventName];

/** What a dispatch returns: never throws, so every transport can forward it as is. */
export type DispatchResult<T = unknown> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

/** The interface the renderer talks to; the IPC and WebSocket clients both implement it. */
export interface FlowscopeClient {
  call<M extends MethodName>(method: M, args: MethodInput<M>): Promise<MethodOutput<M>>;
  onEvent(listener: (event: PushEvent) => void): () => void;
}

/** WebSocket frames (the HTTP API answers with a DispatchResult body). */
export type ClientFrame = { id: number; method: string; args?: unknown };
export type ServerFrame = ({ id: number } & DispatchResult) | ({ id: null } & { ok: false; error: ErrorPayload }) | { push: PushEvent };
