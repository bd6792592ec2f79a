// The UI benchmarks are two Playwright tests writing one result ('ui'). Each test saves its
// rows as a part file in Playwright's output folder (emptied at the start of every run); the
// file's afterAll merges the parts present and writes them through report(). A failed test
// restarts Playwright's worker, so the parts live on disk rather than in module state.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { report, type BenchResult } from '../measure';

type Part = Pick<BenchResult, 'rows' | 'notes'>;

export function savePart(dir: string, name: string, part: Part): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `ui-part-${name}.json`), JSON.stringify(part));
}

export function reportParts(dir: string): void {
  if (!existsSync(dir)) return;
  const files = readdirSync(dir)
    .filter((f) => /^ui-part-.*\.json$/.test(f))
    .sort();
  if (files.length === 0) return;
  const result: BenchResult = { name: 'ui', rows: [], notes: [] };
  for (const file of files) {
    const part = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Part;
    result.rows.push(...part.rows);
    result.notes.push(...part.notes);
  }
  report(result);
}

/** The 1, 5 and 15 minute load averages, for the notes: what else the machine was doing. */
export function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');
}

/** Nearest-rank percentile of unsorted values (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const msInt = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')} ms` : 'n/a');
