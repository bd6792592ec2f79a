// What the worker host tells the outside world: one WorkerInfo per hosted worker and one
// HostJobEvent per finished processor run. Plain data, ready to cross the contract.

export type { WorkerInfo, WorkerState } from '../../../shared/scenarios';

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
