// `npm run test:chaos`: runs test/chaos/chaos.chaos.ts with its own Vitest config (not part of
// `npm test`), then prints what was checked, scenario by scenario, from the tallies the run
// wrote to test-results/chaos/. Exits non-zero when Vitest failed, when a must-be-zero counter
// is not 0, or when a host's peak RSS went over CHAOS_MAX_RSS_MIB (default 400 MiB).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'test-results/chaos';
const maxRss = Number(process.env.CHAOS_MAX_RSS_MIB || 400);
rmSync(dir, { recursive: true, force: true });
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', '--config', 'test/chaos/vitest.config.ts', ...process.argv.slice(2)], { stdio: 'inherit', env: process.env });

const tallies = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
  : [];
const order = ['fuzz', 'ipcfuzz', 'faults', 'soak'];
tallies.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));

const counters = ['crashes', 'hungCalls', 'lostResults', 'stuckParents', 'orphanKeys', 'doubleRuns', 'unexpectedErrors', 'redisChanged', 'faultsMissed', 'unrepaired'];
const totals = Object.fromEntries(counters.map((c) => [c, 0]));
let peak = 0;
const lines = [`chaos summary (${Math.round((Date.now() - started) / 1000)} s)`];
for (const t of tallies) {
  for (const c of counters) totals[c] += t.zero[c] ?? 0;
  if (t.peakHostRssMiB) peak = Math.max(peak, t.peakHostRssMiB);
  const facts = Object.entries(t.facts).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`  ${t.scenario.padEnd(7)} ${facts}${t.peakHostRssMiB ? `, peak host RSS ${t.peakHostRssMiB} MiB` : ''}`);
  for (const note of t.notes) lines.push(`    ! ${note}`);
}
for (const s of order) if (!tallies.some((t) => t.scenario === s)) lines.push(`  ${s.padEnd(7)} did not report (see the Vitest output above)`);
lines.push(`  ${counters.map((c) => `${c} ${totals[c]}`).join(', ')}`);
lines.push(`  peak host RSS ${peak} MiB (bound ${maxRss} MiB)`);
const clean = run.status === 0 && tallies.length === order.length && counters.every((c) => totals[c] === 0) && peak <= maxRss;
lines.push(clean ? 'chaos: PASS' : 'chaos: FAIL');
process.stdout.write(`\n${lines.join('\n')}\n`);
process.exitCode = clean ? 0 : 1;
