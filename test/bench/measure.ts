// Timing helpers for the benchmarks: medians of repeated runs, ratios, and a results file per
// benchmark that docs/BENCHMARKS.md is written from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Median of `runs` timed calls, after `warmup` untimed ones (JIT, script cache, connections). */
export async function median(runs: number, fn: () => Promise<unknown>, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export interface BenchResult {
  name: string;
  rows: { case: string; figures: Record<string, string> }[];
  notes: string[];
}

export function report(result: BenchResult): void {
  mkdirSync('test-results/bench', { recursive: true });
  writeFileSync(`test-results/bench/${result.name}.json`, JSON.stringify({ ...result, machine: machine(), at: new Date().toISOString() }, null, 2));
  const lines = [`\n== ${result.name} (${machine()})`];
  for (const row of result.rows) lines.push(`${row.case}: ${Object.entries(row.figures).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(...result.notes);
  process.stdout.write(`${lines.join('\n')}\n`);
}
