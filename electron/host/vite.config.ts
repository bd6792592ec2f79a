// Builds the plain-Node entry points (CLI and web host) into out/host. Dependencies stay
// external: they are installed with the package.
import { resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from '../../package.json' with { type: 'json' };

const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
].map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`));

export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(import.meta.dirname, '../../out/host'),
    emptyOutDir: true,
    rolldownOptions: {
      input: { cli: resolve(import.meta.dirname, 'cli.ts') },
      external,
      output: { format: 'esm', entryFileNames: '[name].js' },
    },
  },
});
