// Counts in words: "1 job", "2 jobs", "1,200 children". One rule for every count the UI prints.
const IRREGULAR: Record<string, string> = { child: 'children', is: 'are', was: 'were', it: 'they', has: 'have' };

// A test seam: exported for test/unit/renderer-words.test.ts.
/** The word for `count` of them: `job` → `jobs`, `child` → `children`; `many` overrides. */
export function pluralWord(count: number, word: string, many?: string): string {
  if (count === 1) return word;
  if (many) return many;
  if (IRREGULAR[word]) return IRREGULAR[word]!;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** `count` and its word: plural(1, 'job') is "1 job", plural(1200, 'job') is "1,200 jobs". */
export function plural(count: number, word: string, many?: string): string {
  return `${count.toLocaleString('en-US')} ${pluralWord(count, word, many)}`;
}
