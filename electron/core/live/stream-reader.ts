// One blocking XREAD over every event stream in view, on one dedicated connection (not one
// per queue, no polling). Streams can be added or dropped while a read blocks: the reader
// wakes its own blocked call with CLIENT UNBLOCK from the command connection. When it cannot
// vouch for continuity (a reconnect, or a stream trimmed past the last entry it read) it
// reports a gap for that stream so the caller resyncs from a snapshot.
//
// One key of the wrong type (a string at P:Q:events) fails the whole XREAD with WRONGTYPE:
// the reader then finds which keys are not streams (one TYPE pipeline), reports them once,
// leaves them out of the shared read and goes on with the others; every RECHECK_BAD_MS it
// looks at them again, and a key that is a stream again (or gone) is read from its end on,
// with a gap ('repaired') so the views of its queue resync.
//
// Entries go to the caller as soon as the XREAD answers; the trim check of a read (one XINFO
// per stream read) goes out with the next XREAD, ahead of it on the reader's own connection, so
// the reader waits for neither an extra round trip nor the views' re-reads on the command
// connection, and its answers are judged as soon as they come. A reader that falls more than MAX_LAG_MS of stream time behind a stream's
// newest entry (`maxLagMs`, set by the live views: a burst bigger than they can take) skips to
// that entry and reports a gap ('behind'): the views resync from a snapshot instead of working
// through a backlog.
import type { RedisClient } from '../connection/redis-client';
import { openBlockingConnection, type BlockingConnection } from '../connection/blocking-connection';
import { isCluster } from '../connection/redis-client';

export interface StreamEntry {
  stream: string;
  id: string;
  fields: Record<string, string>;
}

export interface StreamReaderHandlers {
  /** Entries read in one XREAD call, in stream order per stream. */
  onEntries(entries: StreamEntry[]): void;
  /** The reader may have missed entries of these streams: resync whatever depends on them. */
  onGap(streams: string[], why: GapReason): void;
  /** These followed keys are not streams: they are left out of the read until they are again. */
  onBadStreams?(streams: { stream: string; type: string }[]): void;
}

export type GapReason = 'reconnect' | 'trimmed' | 'repaired' | 'behind';

export interface StreamReaderOptions {
  /** How often keys found of the wrong type are looked at again. */
  recheckBadMs?: number;
  /**
   * Most stream time (ms between entry ids) the reader may lag a stream's newest entry by
   * before it skips ahead with a 'behind' gap. Default: no bound (every entry is read).
   */
  maxLagMs?: number;
  /** Most entries one XREAD takes. */
  count?: number;
}

export interface StreamReader {
  /** Starts following a stream from `fromId` (the stream's last id taken before a snapshot). */
  add(stream: string, fromId: string): void;
  remove(stream: string): void;
  streams(): string[];
  /** Followed keys left out of the read because they are not streams, with their type. */
  badStreams(): Map<string, string>;
  close(): Promise<void>;
}

const BLOCK_MS = 5000;
const COUNT = 1000;
const RECHECK_BAD_MS = 5000;

const isWrongType = (err: unknown) => /^WRONGTYPE/.test(String((err as Error | undefined)?.message));


/** The id of a stream's newest entry ('0-0' for an empty or missing stream): read it before a snapshot. */
export async function lastStreamId(redis: RedisClient, stream: string): Promise<string> {
  try {
    const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return last[0]?.[0] ?? '0-0';
  } catch (err) {
    // Not a stream: the reader finds out on its first read and leaves the key out.
    if (isWrongType(err)) return '0-0';
    throw err;
  }
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

const idMs = (id: string): number => Number(id.slice(0, id.indexOf('-')));

function toFields(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

export function createStreamReader(command: RedisClient, handlers: StreamReaderHandlers, options: StreamReaderOptions = {}): StreamReader {
  const lastIds = new Map<string, string>();
  /** Followed keys that are not streams (key -> its type), left out of the read. */
  const bad = new Map<string, string>();
  let badCheckedAt = 0;
  const recheckBadMs = options.recheckBadMs ?? RECHECK_BAD_MS;
  const maxLagMs = options.maxLagMs ?? Infinity;
  const count = options.count ?? COUNT;
  let blocking: BlockingConnection | null = null;
  let blockingId: number | null = null;
  let closed = false;
  let wake: (() => void) | null = null;
  let everConnected = false;

  // Opened when the first stream is added (on a cluster it must sit on the node owning the
  // streams' slot); reopened when that slot moves to another node (MOVED).
  async function connect(key: string): Promise<BlockingConnection> {
    const opened = await openBlockingConnection(command, key);
    opened.client.on('ready', () => {
      blockingId = null;
      if (everConnected && lastIds.size > 0) handlers.onGap([...lastIds.keys()], 'reconnect');
      everConnected = true;
    });
    opened.client.on('error', () => undefined); // the command connection reports the state to the UI
    // Its first 'ready' must not clear the CLIENT ID read right after: wait for it here.
    if (opened.client.status !== 'ready') {
      await new Promise<void>((resolve) => {
        opened.client.once('ready', resolve);
        opened.client.once('end', resolve);
      });
    }
    return opened;
  }

  // The stream set changes by generation; a read started with an older generation is woken
  // with CLIENT UNBLOCK, repeated until the loop has picked the change up (an UNBLOCK that
  // reaches Redis just before the XREAD blocks would otherwise be lost).
  let generation = 0;
  let inFlightGeneration: number | null = null;
  const kick = () => {
    if (closed || inFlightGeneration === null || inFlightGeneration >= generation || blockingId === null || !blocking) return;
    void blocking.unblock(blockingId).catch(() => undefined);
    setTimeout(kick, 50).unref();
  };
  const interrupt = () => {
    generation += 1;
    wake?.();
    kick();
  };

  /**
   * After a read: which streams may have lost entries after the position we read from, and
   * which the reader lags too far behind. Trimming removes the oldest entries and leaves no
   * record of their ids, so the test is conservative: if even the stream's oldest remaining
   * entry is newer than our position, entries between may be gone. One XINFO per stream of the
   * read (`infos`, in the order of `checked`); a false alarm costs one resync.
   */
  function judgeRead(checked: [stream: string, after: string][], infos: unknown[]): { trimmed: string[]; behind: [string, string][] } {
    const trimmed: string[] = [];
    const behind: [string, string][] = [];
    checked.forEach(([stream, after], i) => {
      const info = (Array.isArray(infos[i]) ? infos[i] : []) as unknown[];
      const at = info.indexOf('first-entry');
      const first = at >= 0 ? (info[at + 1] as [string, string[]] | null) : null;
      if (first !== null && compareIds(first[0], after) > 0) trimmed.push(stream);
      const newest = String(info[info.indexOf('last-generated-id') + 1] ?? '0-0');
      const readTo = lastIds.get(stream);
      if (readTo !== undefined && idMs(newest) - idMs(readTo) > maxLagMs) behind.push([stream, newest]);
    });
    return { trimmed, behind };
  }

  /** Types of `keys`, one pipeline. */
  async function typesOf(keys: string[]): Promise<string[]> {
    const pipeline = command.pipeline();
    for (const key of keys) pipeline.type(key);
    const replies = (await pipeline.exec()) ?? [];
    return keys.map((_, i) => String(replies[i]?.[1] ?? 'none'));
  }

  /** After a WRONGTYPE: moves the keys that are not streams out of the read; true if any was. */
  async function setAsideBadStreams(keys: string[]): Promise<boolean> {
    const types = await typesOf(keys);
    const found = keys.map((stream, i) => ({ stream, type: types[i]! })).filter(({ stream, type }) => type !== 'stream' && type !== 'none' && lastIds.has(stream));
    for (const { stream, type } of found) {
      lastIds.delete(stream);
      bad.set(stream, type);
    }
    badCheckedAt = Date.now();
    if (found.length > 0) handlers.onBadStreams?.(found);
    return found.length > 0;
  }

  /** Takes back the keys set aside that are streams again (or gone), from their end on. */
  async function recheckBadStreams(): Promise<void> {
    if (bad.size === 0 || Date.now() - badCheckedAt < recheckBadMs) return;
    badCheckedAt = Date.now();
    const keys = [...bad.keys()];
    const types = await typesOf(keys);
    const repaired: string[] = [];
    for (const [i, stream] of keys.entries()) {
      if (types[i] !== 'stream' && types[i] !== 'none') continue;
      if (!bad.delete(stream)) continue; // dropped meanwhile
      lastIds.set(stream, await lastStreamId(command, stream));
      repaired.push(stream);
    }
    if (repaired.length > 0) handlers.onGap(repaired, 'repaired');
  }

  /** The streams of the last read with the positions it read from: checked with the next read. */
  let toCheck: [stream: string, after: string][] = [];

  async function loop(): Promise<void> {
    while (!closed) {
      if (lastIds.size === 0 && bad.size === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      if (lastIds.size === 0) {
        // Only keys of the wrong type are followed: look at them again, then wait a little.
        try {
          await recheckBadStreams();
        } catch {
          // Redis away: tried again on the next turn
        }
        if (lastIds.size === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, recheckBadMs).unref();
          });
          wake = null;
        }
        continue;
      }
      try {
        blocking ??= await connect([...lastIds.keys()][0]!);
        if (closed) break;
        blockingId ??= Number(await blocking.client.client('ID'));
        await recheckBadStreams();
        // The stream set is read after the awaits above, so a change made meanwhile is in it.
        const keys = [...lastIds.keys()];
        if (keys.length === 0) continue;
        inFlightGeneration = generation;
        // With keys set aside, the read ends in time for their next look.
        const blockMs = bad.size > 0 ? Math.max(10, Math.min(BLOCK_MS, badCheckedAt + recheckBadMs - Date.now())) : BLOCK_MS;
        // The last read's check goes first, in the same write: its answers come before the read's.
        const checked = toCheck.filter(([stream, after]) => after !== '0-0' && lastIds.has(stream));
        toCheck = [];
        const pipeline = blocking.client.pipeline();
        const infos = checked.map(
          ([stream]) => new Promise<unknown>((resolve) => void pipeline.call('XINFO', 'STREAM', stream, (err: unknown, info: unknown) => resolve(err ? null : info))),
        );
        const from = keys.map((k) => lastIds.get(k)!);
        pipeline.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', ...keys, ...from);
        const sent = pipeline.exec();
        /** Streams the reader skips ahead on (too far behind): to this entry. */
        const skipTo = new Map<string, string>();
        if (checked.length > 0) {
          const { trimmed, behind } = judgeRead(checked, await Promise.all(infos));
          if (trimmed.length > 0) handlers.onGap(trimmed, 'trimmed');
          // Too far behind: skip to the newest entry (not removed meanwhile) and resync instead;
          // what the read in flight returns up to that entry is dropped.
          for (const [stream, newest] of behind) if (lastIds.has(stream)) skipTo.set(stream, newest);
          if (skipTo.size > 0) handlers.onGap([...skipTo.keys()], 'behind');
        }
        const results = (await sent) ?? [];
        inFlightGeneration = null;
        const [readError, readReply] = results[results.length - 1] ?? [null, null];
        if (readError) throw readError;
        const reply = readReply as [string, [string, string[]][]][] | null;
        for (const [stream, to] of skipTo) if (lastIds.has(stream) && compareIds(lastIds.get(stream)!, to) < 0) lastIds.set(stream, to);
        if (!reply || closed) continue;
        const entries: StreamEntry[] = [];
        for (const [stream, items] of reply) {
          const before = lastIds.get(stream);
          if (before === undefined) continue; // removed while we were blocked
          toCheck.push([stream, before]);
          // Read from where it was sent from, unless skipped ahead meanwhile (then only what follows the skip).
          const skipped = before !== from[keys.indexOf(stream)];
          for (const [id, flat] of items) if (!skipped || compareIds(id, before) > 0) entries.push({ stream, id, fields: toFields(flat) });
          const last = items[items.length - 1]?.[0];
          if (last !== undefined && (!skipped || compareIds(last, before) > 0)) lastIds.set(stream, last);
        }
        if (entries.length > 0) handlers.onEntries(entries);
      } catch (err) {
        inFlightGeneration = null;
        if (closed) return;
        if (/^(MOVED|ASK) /.test(String((err as Error).message)) && blocking) {
          // The streams' slot moved to another node: read there, and resync what may be missed.
          blocking.close();
          blocking = null;
          blockingId = null;
          if (isCluster(command)) command.refreshSlotsCache();
          handlers.onGap([...lastIds.keys()], 'reconnect');
        }
        // UNBLOCKED (our own interrupt) just restarts the read with the new stream set.
        if (isWrongType(err)) {
          // Some followed key is not a stream: read on without it (at once), or wait if none is.
          try {
            if (await setAsideBadStreams([...lastIds.keys()])) continue;
          } catch {
            // Redis away: the pause below, then the read again
          }
        }
        if (!/UNBLOCKED/.test(String((err as Error).message))) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    }
    blocking?.close();
  }
  void loop();

  return {
    add(stream, fromId) {
      if (lastIds.has(stream) || bad.has(stream)) return;
      lastIds.set(stream, fromId);
      interrupt();
    },
    remove(stream) {
      if (bad.delete(stream)) return;
      if (!lastIds.delete(stream)) return;
      interrupt();
    },
    /** Every followed key, those set aside for their type included (they are not added again). */
    streams: () => [...lastIds.keys(), ...bad.keys()],
    badStreams: () => new Map(bad),
    async close() {
      closed = true;
      interrupt();
      blocking?.close();
    },
  };
}
