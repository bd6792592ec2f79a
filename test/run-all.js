// `npm test`: typecheck, lint, unit + integration tests (Vitest), build, end-to-end tests
// (Playwright in Chromium). Runs every step even when one fails, then prints one summary
// line `N passed, N failed` over everything that ran, and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const notes = [];

function run(label, command, args) {
  process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`);
  const started = Date.now();
  const res = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = res.status === 0;
  notes.push(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds}s)`);
  return ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

// Checks without a test count count as one test each.
for (const [label, cmd, args] of [
  ['typecheck', 'npx', ['tsc', '-b', '--noEmit']],
  ['lint', 'npx', ['eslint', '.']],
]) {
  if (run(label, cmd, args)) results.passed += 1;
  else results.failed += 1;
}

const vitestOk = run('unit + integration', 'npx', ['vitest', 'run']);
const vitest = readJson('test-results/vitest.json');
if (vitest) {
  results.passed += vitest.numPassedTests;
  results.failed += vitest.numFailedTests;
  results.skipped += vitest.numPendingTests + vitest.numTodoTests;
  if (!vitestOk && vitest.numFailedTests === 0) results.failed += 1; // e.g. an error outside any test
} else if (!vitestOk) results.failed += 1;

const built = run('build', 'npm', ['run', 'build']);
if (built) {
  results.passed += 1;
  const e2eOk = run('end-to-end', 'npx', ['playwright', 'test']);
  const pw = readJson('test-results/playwright.json');
  if (pw) {
    results.passed += pw.stats.expected + pw.stats.flaky;
    results.failed += pw.stats.unexpected;
    results.skipped += pw.stats.skipped;
    if (!e2eOk && pw.stats.unexpected === 0) results.failed += 1;
  } else if (!e2eOk) results.failed += 1;
} else {
  results.failed += 1;
  notes.push('skip end-to-end: the build failed');
}

const { electronPath } = await import('./helpers/browsers.js');
if (!electronPath()) {
  notes.push('note: the Electron end-to-end project did not run: no Electron binary here (set ELECTRON_PATH to run it)');
}
if (!existsSync('/usr/bin/chromium') && !process.env.CHROMIUM_PATH) {
  notes.push('note: no Chromium at /usr/bin/chromium and no CHROMIUM_PATH: install it with `apt-get install chromium`');
}

process.stdout.write(`\n=== summary\n${notes.join('\n')}\n`);
const skipped = results.skipped ? `, ${results.skipped} skipped` : '';
process.stdout.write(`${results.passed} passed, ${results.failed} failed${skipped}\n`);
process.exitCode = results.failed === 0 ? 0 : 1;
