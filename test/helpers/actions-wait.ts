// Bounded waits for the action tests: poll a probe until it holds, or fail naming what was awaited.
import type { Queue } from 'bullmq';

export async function waitUntil<T>(
  probe: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  what: string,
  timeoutMs = 15_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== false && value !== null && value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export type WaitableState = 'completed' | 'failed' | 'active' | 'waiting' | 'waiting-children' | 'delayed' | 'prioritized';

/** Waits until BullMQ's own getState() reports `state` for the job. */
export async function waitForState(queue: Queue, id: string, state: WaitableState, timeoutMs = 15_000): Promise<void> {
  await waitUntil(async () => (await queue.getJobState(id)) === state, `${queue.name}:${id} to be ${state}`, timeoutMs);
}
