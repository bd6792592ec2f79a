// How fast the `flowscope` command answers, as a whole process, beside the floors it is held to
// (issue 13 item 4): `flowscope --version` beside `node -e 0`, and `flowscope queues` on an
// empty Redis beside a bare ioredis client that connects, sends one SCAN and quits. The CLI is
// built from the sources into a throwaway folder and run as bin.js runs it.
// Targets: both ratios <= 1.5.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../helpers/built-cli';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ms, report, type BenchResult } from './measure';

const RUNS = 21;
const WARMUP = 3;
let redis: TestRedis;
let cli: BuiltCli;
/** The folder the CLI was built into (its bin.mjs beside cli.js). */
let outDir: string;

beforeAll(async () => {
  redis = await startTestRedis();
  cli = await buildCli();
  outDir = dirname(cli.run);
  writeFileSync(
    join(outDir, 'bare-scan.mjs'),
    [
      "import { Redis } from 'ioredis';",
      'const client = new Redis(process.argv[2]);',
      "const [, keys] = await client.scan('0', 'MATCH', 'bull:*:meta', 'COUNT', 1000);",
      'process.stdout.write(`${keys.length} queues\\n`);',
      'await client.quit();',
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await redis.stop();
  cli?.remove();
});

function timeProcess(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, REDIS_URL: '', FLOWSCOPE_DATA_DIR: join(outDir, 'data') } });
  const took = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return took;
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A and B in turn (A B A B …) after warm-up runs of each: medians, and the median of the pair ratios. */
function sideBySide(a: string[], b: string[]) {
  for (let i = 0; i < WARMUP; i++) {
    timeProcess(a);
    timeProcess(b);
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    as.push(timeProcess(a));
    bs.push(timeProcess(b));
  }
  const pairRatio = medianOf(as.map((t, i) => t / bs[i]!));
  return { a: medianOf(as), b: medianOf(bs), pairRatio, spreadA: [Math.min(...as), Math.max(...as)], spreadB: [Math.min(...bs), Math.max(...bs)] };
}

it('flowscope --version and queues start within 1.5x of node -e 0 and a bare ioredis SCAN', () => {
  const result: BenchResult = { name: 'cli-startup', rows: [], notes: [] };
  const before = loadavg();
  const bin = cli.run;

  /** A row of one side-by-side: flowscope against its floor, the median pair ratio against the 1.5x target. */
  const row = (what: string, { a, b, pairRatio }: ReturnType<typeof sideBySide>) => ({
    case: what,
    figures: { flowscope: ms(a), floor: ms(b), 'flowscope / floor': `${pairRatio.toFixed(2)}x`, target: `<= 1.5x: ${pairRatio <= 1.5 ? 'met' : 'missed'}` },
  });
  const version = sideBySide([bin, '--version'], ['-e', '0']);
  result.rows.push(row('`flowscope --version` (floor: `node -e 0`)', version));

  const queues = sideBySide([bin, '--redis', redis.url, '--data-dir', join(outDir, 'data'), 'queues'], [join(outDir, 'bare-scan.mjs'), redis.url]);
  result.rows.push(row('`flowscope queues` on an empty Redis (floor: a bare ioredis client: connect, one SCAN, quit)', queues));

  const after = loadavg();
  const range = ([lo, hi]: number[]) => `${lo!.toFixed(0)}-${hi!.toFixed(0)} ms`;
  result.notes.push(
    `Whole processes, wall clock from spawn to exit (spawnSync), ${RUNS} runs of each after ${WARMUP} warm-up runs, the two contenders in turn (A B A B …); the times are medians, the ratio is the median of the ${RUNS} pair ratios (steadier than a ratio of medians while the machine's speed drifts). Ranges: --version ${range(version.spreadA)} vs ${range(version.spreadB)}; queues ${range(queues.spreadA)} vs ${range(queues.spreadB)}.`,
    'The CLI is built from the sources (electron/host/vite.config.ts) into a throwaway folder and run as electron/host/bin.js runs it; the bare client is an ESM file importing ioredis from the same node_modules. The Redis is a throwaway redis-server on loopback holding no keys.',
    'What loads: --version and --help load cli.js only, commander bundled into it (test/integration/reliability/cli-startup-modules.test.ts); a read command adds the core chunk (zod bundled into it) and ioredis; BullMQ loads only with the first scenario call.',
    `Load average (1/5/15 min) before: ${before.map((l) => l.toFixed(2)).join(' / ')}; after: ${after.map((l) => l.toFixed(2)).join(' / ')} (other work shares this machine).`,
  );
  report(result);
  expect(version.a).toBeGreaterThan(0);
});
