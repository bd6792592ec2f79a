// `flowscope … --json | head -c 300`: the reader goes away while the CLI still writes. The real
// CLI (built from the sources into a throwaway folder, run by node as bin.js runs it) must stop
// writing quietly: no unhandled EPIPE stack trace, its own exit code.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCliForFile } from '../../helpers/built-cli';

const cli = builtCliForFile();
const { redis } = cli;

beforeAll(() => {
  // Far more output than a pipe holds (64 KiB), so the CLI is still writing when the reader leaves.
  const entries = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({ time: '2024-01-01T00:00:00.000Z', connection: 'x', action: 'remove-job', parent: `bull:q:${i}`, changed: [`bull:q:${i}`], outcome: 'ok' }),
  );
  writeFileSync(join(cli.dataDir, 'audit.jsonl'), `${entries.join('\n')}\n`);
});


describe('the CLI when its stdout is closed early', () => {
  it('`audit --json | head -c 300`: exits quietly, without an EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [cli.run, 'audit', '--json', '--limit', '3000', '--redis', redis.url, '--data-dir', cli.dataDir], {
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
