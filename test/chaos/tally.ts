// What a chaos run checked, scenario by scenario: the counters that must be 0 (crashes, hung
// calls, lost results, stuck parents, orphan keys, double runs, …), the facts that are only
// reported (frames sent, repairs made, peak memory), and where they are written so that
// test/chaos/run.js can print one summary after vitest is done.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Counters that must all be 0 at the end of a run. */
export const MUST_BE_ZERO = [
  'crashes',
  'hungCalls',
  'lostResults',
  'stuckParents',
  'orphanKeys',
  'doubleRuns',
  'unexpectedErrors',
  'redisChanged',
  'faultsMissed',
  'unrepaired',
] as const;
export type ZeroCounter = (typeof MUST_BE_ZERO)[number];

export interface Tally {
  scenario: string;
  zero: Record<ZeroCounter, number>;
  /** Figures reported as they are (counts, timings). */
  facts: Record<string, number | string>;
  /** Peak resident memory of the host process(es), MiB, when measured. */
  peakHostRssMiB?: number;
  /** What went wrong, in words, for each counter that is not 0 (at most a few per counter). */
  notes: string[];
}

export function newTally(scenario: string): Tally {
  return { scenario, zero: Object.fromEntries(MUST_BE_ZERO.map((k) => [k, 0])) as Record<ZeroCounter, number>, facts: {}, notes: [] };
}

/** Counts one failure of a must-be-zero check, keeping its description (the first 20 per tally). */
export function fail(tally: Tally, counter: ZeroCounter, note: string, by = 1): void {
  tally.zero[counter] += by;
  if (tally.notes.length < 20) tally.notes.push(`${counter}: ${note}`);
}

export const RESULTS_DIR = resolve(import.meta.dirname, '../../test-results/chaos');

/** Writes a scenario's tally where run.js reads it. */
export function saveTally(tally: Tally): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${tally.scenario}.json`), `${JSON.stringify(tally, null, 2)}\n`);
}

/** Peak resident set of a process (VmHWM in /proc), MiB; null where /proc has no such process. */
export function peakRssMiB(pid: number | 'self'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}
