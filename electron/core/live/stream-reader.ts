// One blocking XREAD over every event stream in view, on one dedicated connection (not one
// per queue, no polling). Streams can be added or dropped while a read blocks: the reader
// wakes its own blocked call with CLIENT UNBLOCK from the command connection. When it cannot
// vouch for continuity (a reconnect, or a stream trimmed past the last entry it read) it
// reports a gap for that stream so the caller resyncs from a snapshot.
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
  onGap(streams: string[], why: 'reconnect' | 'trimmed'): void;
}

export interface StreamReader {
  /** Starts following a stream from `fromId` (the stream's last id taken before a snapshot). */
  add(stream: string, fromId: string): void;
  remove(stream: string): void;
  streams(): string[];
  close(): Promise<void>;
}

const BLOCK_MS = 5000;
const COUNT = 1000;


/** The id of a stream's newest entry ('0-0' for an empty or missing stream): read it before a snapshot. */
export async function lastStreamId(redis: RedisClient, stream: string): Promise<string> {
  const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
  return last[0]?.[0] ?? '0-0';
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

function toFields(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

export function createStreamReader(command: RedisClient, handlers: StreamReaderHandlers): StreamReader {
  const lastIds = new Map<string, string>();
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
   * Which streams may have lost entries after the position we read from. Trimming removes the
   * oldest entries and leaves no record of their ids, so the test is conservative: if even
   * the stream's oldest remaining entry is newer than our position, entries between may be
   * gone. One pipelined XINFO per reply; a false alarm costs one resync.
   */
  async function trimmedAfter(positions: [stream: string, after: string][]): Promise<string[]> {
    const checked = positions.filter(([, after]) => after !== '0-0');
    if (checked.length === 0) return [];
    const pipeline = command.pipeline();
    for (const [stream] of checked) pipeline.call('XINFO', 'STREAM', stream);
    const replies = (await pipeline.exec()) ?? [];
    return checked
      .filter(([, after], i) => {
        const info = (replies[i]?.[1] ?? []) as unknown[];
        const at = info.indexOf('first-entry');
        const first = at >= 0 ? (info[at + 1] as [string, string[]] | null) : null;
        return first !== null && compareIds(first[0], after) > 0;
      })
      .map(([stream]) => stream);
  }

  async function loop(): Promise<void> {
    while (!closed) {
      if (lastIds.size === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      try {
        blocking ??= await connect([...lastIds.keys()][0]!);
        if (closed) break;
        blockingId ??= Number(await blocking.client.client('ID'));
        // The stream set is read after the awaits above, so a change made meanwhile is in it.
        const keys = [...lastIds.keys()];
        if (keys.length === 0) continue;
        inFlightGeneration = generation;
        const reply = (await blocking.client.xread('COUNT', COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...keys.map((k) => lastIds.get(k)!))) as
          | [string, [string, string[]][]][]
          | null;
        inFlightGeneration = null;
        if (!reply || closed) continue;
        const entries: StreamEntry[] = [];
        const positions: [string, string][] = [];
        for (const [stream, items] of reply) {
          const before = lastIds.get(stream);
          if (before === undefined) continue; // removed while we were blocked
          positions.push([stream, before]);
          for (const [id, flat] of items) entries.push({ stream, id, fields: toFields(flat) });
          if (items.length > 0) lastIds.set(stream, items[items.length - 1]![0]);
        }
        const gaps = await trimmedAfter(positions);
        if (entries.length > 0) handlers.onEntries(entries);
        if (gaps.length > 0) handlers.onGap(gaps, 'trimmed');
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
      if (lastIds.has(stream)) return;
      lastIds.set(stream, fromId);
      interrupt();
    },
    remove(stream) {
      if (!lastIds.delete(stream)) return;
      interrupt();
    },
    streams: () => [...lastIds.keys()],
    async close() {
      closed = true;
      interrupt();
      blocking?.close();
    },
  };
}
