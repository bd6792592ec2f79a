// Deterministic randomness for mock failures and answers: the same (seed, words) always give
// the same number, whatever order other calls happen in, so a scenario run can be repeated.

/** A number in [0, 1) from a seed and any words that identify the draw (target, call number…). */
export function seededRandom(seed: number, ...words: (string | number)[]): number {
  // cyrb53-style string hash, then a final avalanche: cheap and well spread. The seed goes in
  // through the text only: xor-ing it into the start state too lets it cancel against its own
  // first digit (seeds 7 and 8 drew the same numbers).
  const text = `${seed}\u0000${words.join('\u0000')}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n / 2 ** 53;
}
