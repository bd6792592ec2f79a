// Writes docs/BENCHMARKS.md from the results of the last `npm run bench`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dir = 'test-results/bench';
const results = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));

const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (test/bench/); figures are medians of repeated runs unless a note says otherwise; each benchmark',
  'running its contenders side by side on the same throwaway `redis-server`. Targets are from docs/SPEC.md §10.',
  '',
];
for (const r of results) {
  lines.push(`## ${r.name}`, '', `Machine: ${r.machine}. Run: ${r.at}.`, '');
  // Every figure any row has (rows may differ), each new one placed after the one before it in its row.
  const columns = [];
  for (const row of r.rows) {
    let after = -1;
    for (const key of Object.keys(row.figures)) {
      const at = columns.indexOf(key);
      if (at >= 0) after = at;
      else columns.splice(++after, 0, key);
    }
  }
  lines.push(`| case | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`);
  for (const row of r.rows) lines.push(`| ${row.case} | ${columns.map((c) => row.figures[c] ?? '').join(' | ')} |`);
  lines.push('', ...r.notes.map((n) => `- ${n}`), '');
}
writeFileSync('docs/BENCHMARKS.md', lines.join('\n'));
process.stdout.write(`docs/BENCHMARKS.md written from ${results.length} result file(s)\n`);
