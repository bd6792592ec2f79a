// Wraps a processor so the host knows which jobs it is running and can hand them back.
// A forced close must not leave a job locked by a worker that is gone (it would sit in
// `active` until its lock expires and the stalled checker notices, attempts spent): release()
// moves the job back to wait with the worker's own token (BullMQ's moveJobFromActiveToWait,
// which drops the lock and emits `waiting`), then settles the run with a WaitingError so
// BullMQ leaves the job where we put it, and aborts the processor's signal.
import { WaitingError, type Job, type Processor } from 'bullmq';
import type { Logger } from '../log/logger';

export interface RunningJob {
  readonly job: Job;
  readonly startedAt: number;
  /** Moves the job back to wait and abandons its run; the processor's own result is dropped. */
  release(reason: string): Promise<void>;
}

export function trackRunningJobs(processor: Processor, running: Set<RunningJob>, log: Logger): Processor {
  // Three declared parameters: BullMQ only creates an abort signal for processors that take one.
  return async (job, token, signal) => {
    const own = new AbortController();
    const combined = signal ? AbortSignal.any([signal, own.signal]) : own.signal;
    let abandon!: (error: Error) => void;
    const abandoned = new Promise<never>((_, reject) => (abandon = reject));
    let released = false;
    const entry: RunningJob = {
      job,
      startedAt: Date.now(),
      async release(reason) {
        if (released) return;
        released = true;
        try {
          if (token) await job.moveToWait(token);
        } catch (error) {
          // The run finished meanwhile (lock gone or job moved): nothing is left locked.
          log.warn('could not move a running job back to wait', { job: `${job.queueQualifiedName}:${job.id}`, error: String(error) });
        }
        abandon(new WaitingError(reason));
        own.abort(new Error(reason));
      },
    };
    running.add(entry);
    try {
      const work = processor(job, token, combined);
      // Once abandoned, the processor's late outcome has no one to report to.
      work.catch(() => undefined);
      return await Promise.race([work, abandoned]);
    } finally {
      running.delete(entry);
    }
  };
}
