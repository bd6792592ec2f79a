// The actions' way to run their Lua scripts: the core's one Lua runner (../lua/round-trips.ts:
// EVALSHA, the source sent once, reloaded after a SCRIPT FLUSH), one call or several of one
// script in one round trip. Lua has no include, so a script can be made of shared parts
// followed by its body, as BullMQ's build does with its includes.
import type { RedisClient } from '../connection/redis-client';
import { RoundTrips, type LuaScript } from '../lua/round-trips';

export { luaScript, luaWriteScript, type LuaScript } from '../lua/round-trips';

export async function runScript(redis: RedisClient, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  const [reply] = await new RoundTrips(redis).run([{ script, keys, args }]);
  return reply;
}

/**
 * Several calls of one script in one round trip (RedisClient still runs each call on its own, in
 * order). Replies in call order; a Redis error in any call is thrown.
 */
export async function runScripts(
  redis: RedisClient,
  script: LuaScript,
  calls: { keys: string[]; args: (string | number)[] }[],
): Promise<unknown[]> {
  return new RoundTrips(redis).run(calls.map((call) => ({ script, ...call })));
}

/** A reply that should be an array of strings (Lua tables of strings come back that way). */
export function asStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((v) => (typeof v === 'string' ? v : v == null ? '' : String(v)));
}
