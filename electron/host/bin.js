#!/usr/bin/env node
// The installed `flowscope` command: runs the built CLI (out/host/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../../out/host/cli.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('flowscope is not built yet: run `npm run build` in the Flowscope folder first.\n');
  process.exit(1);
}
const { runCli, processIo } = await import(built);
process.exitCode = await runCli(process.argv.slice(2), processIo());
