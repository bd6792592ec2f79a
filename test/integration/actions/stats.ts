// Every action's answer carries `stats: { ms, roundTrips }` (like `tree --json`): checked here,
// then taken off, so that tests compare what an action did (a preview and its run never cost
// exactly the same).
import { expect } from 'vitest';
import type { ActionStats } from '../../../shared/actions';

export function withoutStats<T extends { stats?: ActionStats }>(result: T): Omit<T, 'stats'> {
  expect(result.stats).toEqual({ ms: expect.any(Number), roundTrips: expect.any(Number) });
  expect(result.stats!.ms).toBeGreaterThanOrEqual(0);
  expect(result.stats!.roundTrips).toBeGreaterThan(0);
  const rest: T = { ...result };
  delete rest.stats;
  return rest;
}
