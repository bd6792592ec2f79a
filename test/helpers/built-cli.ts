// The real CLI built from the sources into a throwaway folder inside the project (so the bundle
// finds node_modules as out/host/cli.js does), with a run.mjs that runs it as bin.js does: for
// tests that need the CLI or the web host as a process of its own (its exit code, its stdout,
// its memory). builtCliForFile: that CLI, a test Redis and a data folder for a whole test file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import type { TestRedis } from './redis';
import { testRedisForFile } from './redis-per-file';

const root = resolve(import.meta.dirname, '../..');

export interface BuiltCli {
  /** `node <run>` args… runs `flowscope` args…. */
  run: string;
  remove(): void;
}

export async function buildCli(): Promise<BuiltCli> {
  const outDir = mkdtempSync(join(root, 'node_modules', '.flowscope-cli-'));
  await build({ configFile: join(root, 'electron/host/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const run = join(outDir, 'run.mjs');
  writeFileSync(run, "const { runCli, processIo } = await import('./cli.js');\nprocess.exitCode = await runCli(process.argv.slice(2), processIo());\n");
  return { run, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface FileCli {
  redis: TestRedis;
  /** `node <run>` args… runs `flowscope` args…. */
  readonly run: string;
  /** The folder the CLI was built into. */
  readonly outDir: string;
  /** A throwaway data folder of this file's. */
  readonly dataDir: string;
}

/** The built CLI, a test Redis and a data folder, made before the file's first test and removed after its last (read them inside hooks and tests). */
export function builtCliForFile(): FileCli {
  const redis = testRedisForFile();
  let cli: BuiltCli | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    cli = await buildCli();
    dataDir = mkdtempSync(join(tmpdir(), 'flowscope-cli-data-'));
  }, 60_000);
  afterAll(() => {
    cli?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const built = (): { cli: BuiltCli; dataDir: string } => {
    if (!cli || !dataDir) throw new Error("builtCliForFile: read before the file's beforeAll built the CLI");
    return { cli, dataDir };
  };
  return {
    redis,
    get run() {
      return built().cli.run;
    },
    get outDir() {
      return dirname(built().cli.run);
    },
    get dataDir() {
      return built().dataDir;
    },
  };
}
