// `flowscope … --json | head -c 300`: the reader goes away while the CLI still writes. The real
// CLI (built from the sources into a throwaway folder, run by node as bin.js runs it) must stop
// writing quietly: no unhandled EPIPE stack trace, its own exit code.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../helpers/built-cli';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
let outDir: string;
let dataDir: string;

beforeAll(async () => {
  redis = await startTestRedis();
  outDir = dirname((await buildCli()).run);
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-epipe-'));
  // Far more output than a pipe holds (64 KiB), so the CLI is still writing when the reader leaves.
  const entries = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({ time: '2024-01-01T00:00:00.000Z', connection: 'x', action: 'remove-job', parent: `bull:q:${i}`, changed: [`bull:q:${i}`], outcome: 'ok' }),
  );
  writeFileSync(join(dataDir, 'audit.jsonl'), `${entries.join('\n')}\n`);
}, 60_000);

afterAll(async () => {
  await redis.stop();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the CLI when its stdout is closed early', () => {
  it('`audit --json | head -c 300`: exits quietly, without an EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [join(outDir, 'run.mjs'), 'audit', '--json', '--limit', '3000', '--redis', redis.url, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `head -c 300`: read the first bytes, then close the pipe.
    const head = await new Promise<string>((resolveHead) => {
      child.stdout.once('data', (d: Buffer) => {
        child.stdout.destroy();
        resolveHead(d.toString().slice(0, 300));
      });
    });
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', (c) => resolveExit(c)));
    expect(head).toMatch(/^\[/);
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
    expect(code).toBe(0);
  });
});
