// What one action (or preview) cost: wall time and Redis round trips, reported as `stats` on
// its answer like `tree --json` reports a load's. Lua calls are counted by the core's runner
// (../lua/round-trips.ts: calls sent together count once); pipelines and SCAN calls are added.
import type { ActionStats } from '../../../shared/actions';
import type { RedisClient } from '../connection/redis-client';
import { RoundTrips } from '../lua/round-trips';

export class ActionCost {
  readonly trips: RoundTrips;
  private other = 0;
  private readonly started = performance.now();

  constructor(redis: RedisClient) {
    this.trips = new RoundTrips(redis);
  }

  /** Round trips that did not go through `trips` (a pipeline, a SCAN call). */
  add(count = 1): void {
    this.other += count;
  }

  stats(): ActionStats {
    return { ms: Math.round((performance.now() - this.started) * 10) / 10, roundTrips: this.trips.count + this.other };
  }
}

/** `result` with the cost so far as its `stats` (last, so the JSON reads result first). */
export function withStats<T extends object>(result: T, cost: ActionCost): T & { stats: ActionStats } {
  return { ...result, stats: cost.stats() };
}
