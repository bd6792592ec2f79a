// A seeded random source (mulberry32), so a chaos run that found something can be replayed
// with the same CHAOS_SEED.
export interface Rng {
  /** 0 <= n < max */
  int(max: number): number;
  bool(): boolean;
  /** true with probability p */
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  string(length: number): string;
}

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/%{}[]"\\ -_.~\u00e9\u4e2d';

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    int,
    bool: () => next() < 0.5,
    chance: (p) => next() < p,
    pick: (list) => list[int(list.length)]!,
    string(length) {
      let s = '';
      for (let i = 0; i < length; i++) s += CHARS[int(CHARS.length)];
      return s;
    },
  };
}

/** The seed of this run: $CHAOS_SEED, else a new one (printed in the summary to replay it). */
export function chaosSeed(): number {
  const fromEnv = Number(process.env.CHAOS_SEED);
  return Number.isInteger(fromEnv) && process.env.CHAOS_SEED ? fromEnv : Math.floor(Math.random() * 2 ** 31);
}
