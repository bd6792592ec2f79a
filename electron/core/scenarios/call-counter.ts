// Per-target call counters of a scenario run: how many times each mock child (an LLM
// provider, a build step…) was called, so a demo and a test can show what a retry cost.

export interface CallCounter {
  /** Counts one call of `target` and returns its number (1 for the first). */
  next(target: string): number;
  count(target: string): number;
  snapshot(): Record<string, number>;
}

export function createCallCounter(): CallCounter {
  const counts = new Map<string, number>();
  return {
    next(target) {
      const n = (counts.get(target) ?? 0) + 1;
      counts.set(target, n);
      return n;
    },
    count: (target) => counts.get(target) ?? 0,
    snapshot: () => Object.fromEntries(counts),
  };
}
