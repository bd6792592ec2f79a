// Domain types shared by the core and the renderer: what a queue, a connection and (later)
// a flow node look like on both sides of the contract.

export const JOB_STATES = [
  'completed',
  'failed',
  'active',
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Counts per state, as shown in the queue sidebar. `paused` counts jobs in a paused queue's list. */
export type QueueCounts = Record<JobState | 'paused', number>;

export interface QueueInfo {
  /** Queue name; may contain ':'. */
  name: string;
  /** Full key prefix of the queue, `P:Q`. */
  key: string;
  counts: QueueCounts;
  /** BullMQ version from the queue's `meta` hash (e.g. `bullmq:6.7.0`), null when unknown. */
  version: string | null;
  paused: boolean;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'error';

export interface ConnectionStatus {
  state: ConnectionState;
  /** `sandbox` when Flowscope runs its own redis-server, `url` when it connects to a given Redis. */
  kind: 'sandbox' | 'url';
  /** Where it points, with any password removed. */
  target: string;
  prefix: string;
  readOnly: boolean;
  /** Human explanation when state is `error` or `reconnecting`. */
  message?: string;
  /** Typed reason when state is `error`. */
  code?: string;
}

export interface AppInfo {
  name: string;
  version: string;
  /** Which shell hosts the core. */
  shell: 'desktop' | 'web' | 'cli';
}
