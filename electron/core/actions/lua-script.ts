// Runs the actions' Lua scripts by EVALSHA, sending the source once with SCRIPT LOAD when the
// server does not have it (first use, restart, SCRIPT FLUSH). Lua has no include, so a script
// can be made of shared parts followed by its body, as BullMQ's build does with its includes.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  name: string;
  source: string;
  sha: string;
}

export function luaScript(name: string, ...parts: string[]): LuaScript {
  const source = parts.join('\n');
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    await redis.script('LOAD', script.source);
    return redis.evalsha(script.sha, keys.length, ...keys, ...args);
  }
}

/** A reply that should be an array of strings (Lua tables of strings come back that way). */
export function asStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((v) => (typeof v === 'string' ? v : v == null ? '' : String(v)));
}
