// The core's one way to run its Lua scripts (tree loading, flow lists, live views, actions),
// counting Redis round trips so a load can report what it cost. The first use of a script on
// a connection sends its source (EVAL, which also caches it in Redis); later uses go by
// EVALSHA, and a server that lost it (restart, SCRIPT FLUSH, a cluster failover) gets the
// affected calls again with their source. Several calls go out together: one round trip, while Redis
// still runs each script on its own (no single call holds the server for long).
import { createHash } from 'node:crypto';
import type { RedisClient } from '../connection/redis-client';
import { expandIncludes, includeNamed } from './lua-includes';

export interface LuaScript {
  name: string;
  source: string;
  sha: string;
  /** Changes Redis: never sent again after an error, which may come after some of its writes. */
  writes?: boolean;
}

/**
 * A script: its body, with its `--- @include "part"` lines expanded (lua-includes.ts). Parts
 * may also be passed ahead of the body; each part still goes in once.
 */
export function luaScript(name: string, ...parts: string[]): LuaScript {
  const done = new Set<string>();
  const source = parts
    .map((part) => {
      const named = includeNamed(part);
      if (named && done.has(named)) return `-- (${named}: included above)`;
      const expanded = expandIncludes(part, done);
      if (named) done.add(named);
      return expanded;
    })
    .join('\n');
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** The same for a script that writes (the actions). */
export function luaWriteScript(name: string, ...parts: string[]): LuaScript {
  return { ...luaScript(name, ...parts), writes: true };
}

// While a cluster slot is being migrated, a script that touches a key already moved fails (the
// key is not local, or TRYAGAIN for keys split between the nodes); the migration ends by itself.
const MIGRATING = /non local key|^TRYAGAIN|^CLUSTERDOWN/;
const MIGRATION_WAITS_MS = [50, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000];
const isMigrating = (error: Error | null): boolean => !!error && MIGRATING.test(error.message);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ScriptCall {
  script: LuaScript;
  keys: string[];
  args: (string | number)[];
}

type Reply = [Error | null, unknown];

const isNoScript = (error: Error | null): boolean => !!error && error.message.startsWith('NOSCRIPT');

// Script SHAs this process has already sent to a connection, so later calls can use EVALSHA.
const sentScripts = new WeakMap<RedisClient, Set<string>>();

export class RoundTrips {
  count = 0;

  private readonly sent: Set<string>;

  constructor(private readonly redis: RedisClient) {
    let sent = sentScripts.get(redis);
    if (!sent) sentScripts.set(redis, (sent = new Set()));
    this.sent = sent;
  }

  /**
   * Sends all calls at once, without waiting between them: one round trip (plus two when a
   * script had to be loaded). `onReply` sees each reply as it arrives (in order, except for
   * calls re-sent after a NOSCRIPT), so the caller can decode one batch while Redis runs the
   * next. Throws on a Redis error.
   */
  async run(calls: ScriptCall[], onReply?: (index: number, value: unknown) => void): Promise<unknown[]> {
    if (calls.length === 0) return [];
    const replies = await this.send(calls, (i, value) => onReply?.(i, value));
    // Sends the calls at these indices again (with their source) and puts their replies in place.
    const sendAgain = async (indices: number[]): Promise<void> => {
      const again = await this.send(
        indices.map((i) => calls[i]!),
        (j, value) => onReply?.(indices[j]!, value),
        true,
      );
      indices.forEach((callIndex, j) => {
        replies[callIndex] = again[j]!;
      });
    };
    // Sent again with their source (EVAL caches it): EVAL goes where its keys live, so on a
    // cluster the node that lost the script (a restart, a failover) is the one that gets it.
    const missing = replies.flatMap((reply, i) => (isNoScript(reply[0]) ? [i] : []));
    if (missing.length > 0) await sendAgain(missing);
    // Reads caught by a slot migration are read again once it has moved on (about 6 s at most).
    for (const wait of MIGRATION_WAITS_MS) {
      const caught = replies.flatMap((reply, i) => (isMigrating(reply[0]) && !calls[i]!.script.writes ? [i] : []));
      if (caught.length === 0) break;
      await pause(wait);
      await sendAgain(caught);
    }
    return replies.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
  }

  // Written back to back in one tick, the commands travel together like a pipeline; unlike
  // pipeline.exec(), each reply resolves on its own as soon as it is read.
  private async send(calls: ScriptCall[], onValue: (index: number, value: unknown) => void, withSource = false): Promise<Reply[]> {
    this.count++;
    const firstUse = new Set<string>();
    const replies = await Promise.all(
      calls.map(({ script, keys, args }, i) => {
        let sent: Promise<unknown>;
        if (!withSource && (this.sent.has(script.sha) || firstUse.has(script.sha))) {
          sent = this.redis.evalsha(script.sha, keys.length, ...keys, ...args);
        } else {
          firstUse.add(script.sha);
          sent = this.redis.eval(script.source, keys.length, ...keys, ...args);
        }
        return sent.then(
          (value): Reply => {
            onValue(i, value);
            return [null, value];
          },
          (error: unknown): Reply => [error instanceof Error ? error : new Error(String(error)), null],
        );
      }),
    );
    for (const sha of firstUse) this.sent.add(sha);
    return replies;
  }
}
