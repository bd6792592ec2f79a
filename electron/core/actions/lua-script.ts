// The actions' Lua scripts go through the core's one Lua runner (../lua/round-trips.ts: EVALSHA,
// the source sent once, reloaded after a SCRIPT FLUSH; scripts that write are marked and never
// sent again after an error), through each action's ActionCost (cost.ts), which counts the round
// trips. Lua has no include, so a script can be made of shared parts followed by its body, as
// BullMQ's build does with its includes.
export { luaScript, luaWriteScript, type LuaScript } from '../lua/round-trips';

/** A reply that should be an array of strings (Lua tables of strings come back that way). */
export function asStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((v) => (typeof v === 'string' ? v : v == null ? '' : String(v)));
}
