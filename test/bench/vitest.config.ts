// `npm run bench`: the benchmarks, run by Vitest as plain files (each prints its figures and
// writes them to test-results/bench/). Not part of `npm test`: they measure time, tests don't.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench-run.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 10 * 60_000,
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
