// `npm run test:chaos` (through test/chaos/run.js): the long proof of issue 12, not part of
// `npm test`. One file, its scenarios in order, against real processes (hosts and CLI built
// from the sources), real redis-servers and real BullMQ workers.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'chaos',
    include: ['test/chaos/**/*.chaos.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/chaos.json' }]],
  },
});
