// Writes docs/BENCHMARKS.md from the results of the last `npm run bench` (test-results/bench/*.json).
// A benchmark with no result file this time (run on its own, or not run) keeps its section from
// the page as it was, with that section's own run date.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dir = 'test-results/bench';
const page = 'docs/BENCHMARKS.md';
const results = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));

const header = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (test/bench/); figures are medians of repeated runs unless a note says otherwise; each benchmark',
  'running its contenders side by side on the same throwaway `redis-server`. Targets are from docs/SPEC.md §10.',
  '',
];

/** The page's sections as they stand, by benchmark name (`## name` up to the next one). */
function existingSections() {
  const sections = new Map();
  if (!existsSync(page)) return sections;
  let name;
  let lines = [];
  for (const line of readFileSync(page, 'utf8').split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      if (name) sections.set(name, lines);
      name = heading[1];
      lines = [line];
    } else if (name) lines.push(line);
  }
  if (name) sections.set(name, lines);
  return sections;
}

function section(r) {
  const lines = [`## ${r.name}`, '', `Machine: ${r.machine}. Run: ${r.at}.`, ''];
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
  return lines;
}

const sections = existingSections();
for (const r of results) sections.set(r.name, section(r));
const lines = [...header];
for (const name of [...sections.keys()].sort()) {
  const body = sections.get(name);
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  lines.push(...body, '');
}
writeFileSync(page, lines.join('\n'));
process.stdout.write(`${page} written: ${results.length} section(s) from this run (${results.map((r) => r.name).join(', ')}), ${sections.size - results.length} kept\n`);
