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

/**
 * Several calls of one script in one pipeline (one round trip; Redis still runs each call on
 * its own, in order). Replies in call order; a Redis error in any call is thrown.
 */
export async function runScripts(
  redis: Redis,
  script: LuaScript,
  calls: { keys: string[]; args: (string | number)[] }[],
): Promise<unknown[]> {
  if (calls.length === 0) return [];
  const send = async (indexes: number[]) => {
    const pipeline = redis.pipeline();
    for (const i of indexes) pipeline.evalsha(script.sha, calls[i]!.keys.length, ...calls[i]!.keys, ...calls[i]!.args);
    return (await pipeline.exec()) ?? [];
  };
  const replies = await send(calls.map((_, i) => i));
  const missing = replies.flatMap(([error], i) => (isNoScript(error) ? [i] : []));
  if (missing.length > 0) {
    // Only the calls Redis refused for want of the script run again, once it is loaded.
    await redis.script('LOAD', script.source);
    const again = await send(missing);
    missing.forEach((callIndex, j) => (replies[callIndex] = again[j] ?? [null, null]));
  }
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** A reply that should be an array of strings (Lua tables of strings come back that way). */
export function asStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((v) => (typeof v === 'string' ? v : v == null ? '' : String(v)));
}
