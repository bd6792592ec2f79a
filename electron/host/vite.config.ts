// Builds the plain-Node entry points (CLI and web host) into out/host. Dependencies stay
// external: they are installed with the package. The CLI's commands import their modules
// dynamically, so the bundle splits into chunks loaded on demand.
import { resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from '../../package.json' with { type: 'json' };

// Bundled rather than external: zod's ESM build is some 60 files, each a file read and a module
// to link at startup (most of the cost of a command, after Node itself), bundled it is one chunk;
// commander, CommonJS, would go through the CJS loader and its export lexer on every start.
const bundled = new Set(['zod', 'commander']);

const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies).filter((name) => !bundled.has(name)),
].map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`));

export default defineConfig({
  ssr: { noExternal: [...bundled] },
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(import.meta.dirname, '../../out/host'),
    emptyOutDir: true,
    rolldownOptions: {
      input: { cli: resolve(import.meta.dirname, 'cli.ts') },
      external,
      // Chunks beside cli.js (renderer-dir.ts finds out/renderer from its own folder): each command
      // loads only the chunks it imports, so --help and --version load no Redis client.
      output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
