// The scripts' shared parts, by the name a script includes them with. A line
//   --- @include "name"
// in a script is replaced by that part (itself expanded the same way), each part at most once
// per script, as BullMQ's build does with its `--- @include "includes/..."` lines. Lua has no
// include of its own, so this is the one way a script is made of parts.
import queueMetaLua from '../actions/queue-meta.lua?raw';
import removeSubtreeLua from '../actions/remove-subtree.lua?raw';
import listBucketLua from '../tree/list-bucket.lua?raw';
import keyTypeLua from './key-type.lua?raw';

// A test seam: exported for test/unit/lua-includes.test.ts.
export const LUA_INCLUDES: Readonly<Record<string, string>> = {
  'key-type': keyTypeLua,
  'queue-meta': queueMetaLua,
  'remove-subtree': removeSubtreeLua,
  'list-bucket': listBucketLua,
};

const INCLUDE_LINE = /^--- @include "([a-z0-9-]+)"[ \t]*$/gm;

/**
 * The script's source with every include line replaced by its part; a part already in the
 * script (included earlier, or passed as a part of its own) is left out the second time.
 * An unknown name is a programming error: it throws when the module loads.
 */
export function expandIncludes(source: string, done = new Set<string>(), includes = LUA_INCLUDES): string {
  return source.replace(INCLUDE_LINE, (_line, name: string) => {
    const part = includes[name];
    if (part === undefined) throw new Error(`Lua include "${name}" is not a known part (lua/lua-includes.ts)`);
    if (done.has(name)) return `-- (${name}: included above)`;
    done.add(name);
    return expandIncludes(part, done, includes);
  });
}

/** The name of a part whose source is exactly `source`, if it is one. */
export function includeNamed(source: string, includes = LUA_INCLUDES): string | undefined {
  return Object.keys(includes).find((name) => includes[name] === source);
}
