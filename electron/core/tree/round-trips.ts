// Runs the tree's Lua scripts and counts Redis round trips, so a load can report what it cost.
// The first use of a script on a connection sends its source (EVAL, which also caches it in
// Redis); later uses go by EVALSHA, and a server that lost it (restart, SCRIPT FLUSH) gets it
// with SCRIPT LOAD and the affected calls are sent again. Several calls
// go out as one pipeline: one round trip, while Redis still runs each script on its own (no
// single call holds the server for a whole level).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  name: string;
  source: string;
  sha: string;
}

/** A script made of library parts followed by its body (Lua has no include of its own). */
export function luaScript(name: string, ...parts: string[]): LuaScript {
  const source = parts.join('\n');
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export interface ScriptCall {
  script: LuaScript;
  keys: string[];
  args: (string | number)[];
}

type Reply = [Error | null, unknown];

const isNoScript = (error: Error | null): boolean => !!error && error.message.startsWith('NOSCRIPT');

// Script SHAs this process has already sent to a connection, so later calls can use EVALSHA.
const sentScripts = new WeakMap<Redis, Set<string>>();

export class RoundTrips {
  count = 0;

  private readonly sent: Set<string>;

  constructor(private readonly redis: Redis) {
    let sent = sentScripts.get(redis);
    if (!sent) sentScripts.set(redis, (sent = new Set()));
    this.sent = sent;
  }

  /** Runs all calls in one round trip (plus two when a script had to be loaded); throws on a Redis error. */
  async run(calls: ScriptCall[]): Promise<unknown[]> {
    if (calls.length === 0) return [];
    const replies = await this.send(calls);
    const missing = replies.flatMap((reply, i) => (isNoScript(reply[0]) ? [i] : []));
    if (missing.length > 0) {
      const scripts = new Map(missing.map((i) => [calls[i]!.script.sha, calls[i]!.script]));
      const load = this.redis.pipeline();
      for (const script of scripts.values()) load.script('LOAD', script.source);
      this.count++;
      const loaded = (await load.exec()) ?? [];
      for (const [error] of loaded) if (error) throw error;
      const again = await this.send(missing.map((i) => calls[i]!));
      missing.forEach((callIndex, j) => {
        replies[callIndex] = again[j]!;
      });
    }
    return replies.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
  }

  private async send(calls: ScriptCall[]): Promise<Reply[]> {
    this.count++;
    const pipeline = this.redis.pipeline();
    const firstUse = new Set<string>();
    for (const { script, keys, args } of calls) {
      if (this.sent.has(script.sha) || firstUse.has(script.sha)) {
        pipeline.evalsha(script.sha, keys.length, ...keys, ...args);
      } else {
        firstUse.add(script.sha);
        pipeline.eval(script.source, keys.length, ...keys, ...args);
      }
    }
    const replies = await pipeline.exec();
    if (!replies) throw new Error('Redis pipeline was discarded');
    for (const sha of firstUse) this.sent.add(sha);
    return replies;
  }
}
