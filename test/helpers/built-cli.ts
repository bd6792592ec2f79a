// The real CLI built from the sources into a throwaway folder inside the project (so the bundle
// finds node_modules as out/host/cli.js does), with a run.mjs that runs it as bin.js does: for
// tests that need the CLI or the web host as a process of its own (its exit code, its stdout,
// its memory).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

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
