// Splits pretty-printed JSON into coloured tokens (keys, strings, numbers, literals): enough
// highlighting to read a job's data at a glance, without a highlighting library.
export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'plain';

export interface JsonToken {
  kind: JsonTokenKind;
  text: string;
}

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function jsonTokens(text: string): JsonToken[] {
  const tokens: JsonToken[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const at = match.index;
    if (at > last) tokens.push({ kind: 'plain', text: text.slice(last, at) });
    const [whole, quoted, colon] = match;
    if (quoted !== undefined) {
      tokens.push({ kind: colon ? 'key' : 'string', text: quoted });
      if (colon) tokens.push({ kind: 'plain', text: colon });
    } else {
      tokens.push({ kind: /^[tfn]/.test(whole) ? 'literal' : 'number', text: whole });
    }
    last = at + whole.length;
  }
  if (last < text.length) tokens.push({ kind: 'plain', text: text.slice(last) });
  return tokens;
}

/** A value as indented JSON; `undefined` and values JSON cannot hold fall back to text. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
