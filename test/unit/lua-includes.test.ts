import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandIncludes, LUA_INCLUDES } from '../../electron/core/lua/lua-includes';
import { luaScript } from '../../electron/core/lua/round-trips';

const CORE = join(__dirname, '../../electron/core');
const scripts = readdirSync(CORE, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.lua'))
  .map((file) => ({ file, source: readFileSync(join(CORE, file), 'utf8') }));

const definitions = (source: string) => [...source.matchAll(/^local function (\w+)/gm)].map((m) => m[1]);

describe('Lua includes', () => {
  it('replaces an include line by the part, expanding the part\'s own includes, each part once', () => {
    const parts = { a: 'local function a() end', b: '--- @include "a"\nlocal function b() end' };
    const out = expandIncludes('--- @include "b"\n--- @include "a"\nreturn b()', new Set(), parts);
    expect(definitions(out)).toEqual(['a', 'b']);
    expect(out).toContain('-- (a: included above)');
    expect(out).not.toMatch(/@include/);
  });

  it('refuses an unknown part by name', () => {
    expect(() => expandIncludes('--- @include "nope"\n', new Set(), {})).toThrow(/"nope" is not a known part/);
  });

  it('a part passed ahead of a body that includes it goes in once', () => {
    const script = luaScript('t', LUA_INCLUDES['queue-meta']!, '--- @include "queue-meta"\nreturn 1');
    expect(definitions(script.source).filter((name) => name === 'targetList')).toHaveLength(1);
  });

  it.each(scripts.map((s) => [s.file, s.source]))('%s expands with every function defined once', (_file, source) => {
    const out = expandIncludes(source);
    expect(out).not.toMatch(/^--- @include/m);
    const names = definitions(out);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('no script calls TYPE itself: the key-type part is the one place', () => {
    const calling = scripts.filter((s) => /"TYPE"/.test(s.source)).map((s) => s.file);
    expect(calling).toEqual(['lua/key-type.lua']);
  });
});
