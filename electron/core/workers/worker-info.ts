// What the worker host tells the outside world: one WorkerInfo per hosted worker and one
// HostJobEvent per finished processor run. Plain data, ready to cross the contract.

export type WorkerState = 'running' | 'closing';

export interface WorkerInfo {
  /** The host's id for this worker (`w<n>-<queue>`), stable for its lifetime. */
  id: string;
  queue: string;
  /** Who started it: a scenario name, or null for a worker started by hand. */
  owner: string | null;
  concurrency: number;
  /** Processor calls in flight right now. */
  running: number;
  /** Processor runs that ended, completed or failed (a pause for children is neither). */
  processed: number;
  completed: number;
  /** Failed runs, retried ones included. */
  failed: number;
  /** Epoch ms. */
  startedAt: number;
  state: WorkerState;
}

export interface HostJobEvent {
  workerId: string;
  queue: string;
  jobId: string;
  /** Full job key `P:Q:id`. */
  key: string;
  name: string;
  outcome: 'completed' | 'failed';
  /** For a failure: true when BullMQ will not retry it (the job is now in failed). Always true for completed. */
  final: boolean;
  attemptsMade: number;
  failedReason?: string;
}
