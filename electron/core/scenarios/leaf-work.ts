// The work of a mock child: count the call, take `latencyMs` (abortable, so a closing worker
// can give the job back), then fail if the knobs say so. Knobs are read after the wait, so a
// fix made while a call is under way applies to it.
import { throwIfInjected, type FailureWords } from './injected-failure';
import type { ScenarioContext } from './scenario-types';

export interface LeafOptions {
  /** Scales this call's latency (e.g. a seeded jitter so a fan-out finishes out of order). */
  latencyFactor?: number;
  words?: FailureWords;
}

/** Runs one call of `target`; resolves with its call number. */
export async function leafWork(ctx: ScenarioContext, target: string, signal: AbortSignal | undefined, options: LeafOptions = {}): Promise<number> {
  const call = ctx.calls.next(target);
  await pause(Math.round(ctx.knobs().latencyMs * (options.latencyFactor ?? 1)), signal);
  throwIfInjected(ctx.knobs(), target, call, options.words);
  return call;
}

/** Waits `ms`; rejects at once if `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
