// The queues the core knows of, per connection: the set found by one discovery, kept up to date
// without scanning the keyspace on a timer.
//
// Why: finding queues means a SCAN of the whole keyspace (BullMQ keeps no list of its queues), a
// cost that grows with the Redis watched, not with what is in view: on a 2M-key Redis one SCAN
// is ~1.5 s of Redis time. Counting the queues already known is one pipeline (12 commands a
// queue) whatever the keyspace's size. So:
//
// - counts of the known queues: one pipeline, refreshed by the watcher while clients listen (and
//   by `list` when its copy is older than asked), which also drops a queue whose meta hash and id
//   counter are gone (obliterated) at once;
// - the *set* of queues: one SCAN when the registry is first asked (or after a connection switch);
//   again on demand (`listQueues {rescan: true}`, the sidebar's refresh), when the connection
//   comes back, on a listQueues when the keyspace is small (under SMALL_KEYSPACE_KEYS, where a
//   SCAN is a few ms) and its key count moved; and otherwise only when the keyspace's key count
//   (DBSIZE, O(1)) moved since the last SCAN **and**, on a keyspace that is not small, a backoff
//   has passed: RESCAN_LOAD_FACTOR times the last SCAN's duration, at least MIN_RESCAN_MS, at
//   most MAX_RESCAN_MS. An idle Redis is never rescanned; a busy big one at most 1 part in 200 of
//   the time; a busy small one at most once a watcher tick;
// - queues met elsewhere (a tree, a job, a flow list answer naming a queue; see queues-seen.ts)
//   are added at once, once their counts pipeline shows them there.
//
// The trade-off: a queue created behind Flowscope's back (no call of Flowscope met it) shows up
// on a small Redis at the next listQueues, or by push within one count interval (1.5 s); on a big one after the next rescan, up to 200 times a SCAN's duration (about 5
// minutes for 2M keys, capped at 10), or at once on a refresh. A removed queue disappears within
// one count interval.
import type { QueueInfo } from '../../../shared/domain';
import { isCluster, type RedisClient } from '../connection/redis-client';
import { countKnownQueues, discoverQueueNames } from './discover-queues';

/** A rescan's Redis time is at most 1 part in this many of the wall clock. */
export const RESCAN_LOAD_FACTOR = 200;
export const MIN_RESCAN_MS = 2_000;
export const MAX_RESCAN_MS = 600_000;
/** Under this many keys a SCAN costs a few ms: a listQueues on a keyspace that moved rescans first. */
export const SMALL_KEYSPACE_KEYS = 20_000;

// A test seam: exported for test/unit/queue-watcher.test.ts.
/** How long after a SCAN that took `lastMs` the next one may run (when the keyspace moved). */
export function nextRescanDelay(lastMs: number): number {
  return Math.min(Math.max(MIN_RESCAN_MS, lastMs * RESCAN_LOAD_FACTOR), MAX_RESCAN_MS);
}

/** Keys in the database (summed over a cluster's masters): the cheap sign that something was created or removed. */
export async function keyCount(redis: RedisClient): Promise<number> {
  if (!isCluster(redis)) return redis.dbsize();
  const sizes = await Promise.all(redis.nodes('master').map((node) => node.dbsize()));
  return sizes.reduce((a, b) => a + b, 0);
}

export interface QueueRegistryOptions {
  redis: () => RedisClient;
  prefix: () => string;
  /** Called with the list whenever it differs from the last one passed (the `queues` push). */
  onList: (queues: QueueInfo[]) => void;
  now?: () => number;
  /** Keys under which a listQueues rescans a keyspace that moved (default SMALL_KEYSPACE_KEYS). */
  smallKeyspaceKeys?: number;
}

export interface QueueRegistry {
  /**
   * The queue list: the known set with counts no older than `maxAgeMs` (default: whatever the
   * watcher last read); the first call (or `rescan`) runs a discovery.
   */
  list(options?: { rescan?: boolean; maxAgeMs?: number }): Promise<QueueInfo[]>;
  /** One counts pipeline over the known queues (and those noted); never a SCAN, except the first time. */
  refreshCounts(): Promise<QueueInfo[]>;
  /** A discovery (SCAN) now; one at a time (a second caller shares the one running). */
  rescan(): Promise<QueueInfo[]>;
  /**
   * Rescans when the key count moved since the last discovery and, unless `ignoreBackoff`, the
   * backoff has passed; otherwise nothing (or one DBSIZE). Null when it did not rescan. With
   * `ignoreBackoff` (a reconnect) and nothing known yet it does nothing: the first list discovers.
   */
  rescanIfChanged(options?: { ignoreBackoff?: boolean }): Promise<QueueInfo[] | null>;
  /** Queue names met elsewhere: counted (and listed, when they are there) from the next refresh on. */
  note(names: Iterable<string>): void;
  /** Forgets everything (a connection switch): the next call discovers again, and its list is always passed on. */
  forget(): void;
  /** Redis time the last discovery's SCAN and the last counts pipeline took, and how many SCANs ran. */
  stats(): { lastScanMs: number; lastCountMs: number; scans: number };
}

export function createQueueRegistry(options: QueueRegistryOptions): QueueRegistry {
  const now = options.now ?? Date.now;
  const smallKeyspace = options.smallKeyspaceKeys ?? SMALL_KEYSPACE_KEYS;
  // Everything below belongs to one connection; `generation` tells a late answer from an old one.
  let generation = 0;
  let known: string[] | null = null;
  const noted = new Set<string>();
  let queues: QueueInfo[] = [];
  let countedAt = -Infinity;
  let scannedAt = -Infinity;
  let keysAtScan: number | null = null;
  let lastScanMs = 0;
  let lastCountMs = 0;
  let scans = 0;
  let lastSent = '';
  let scanning: Promise<QueueInfo[]> | undefined;
  let counting: Promise<QueueInfo[]> | undefined;
  /** The check a reconnect started: a list asked meanwhile waits for it. */
  let reconnectCheck: Promise<QueueInfo[] | null> | undefined;

  const publish = (list: QueueInfo[]) => {
    queues = list;
    const text = JSON.stringify(list);
    if (text !== lastSent) {
      lastSent = text;
      options.onList(list);
    }
    return list;
  };

  const count = async (mine: number, names: string[]): Promise<QueueInfo[]> => {
    const started = now();
    const counted = await countKnownQueues(options.redis(), options.prefix(), names);
    if (mine !== generation) return queues;
    lastCountMs = now() - started;
    countedAt = now();
    const gone = new Set(counted.gone);
    known = (known ?? []).filter((name) => !gone.has(name));
    for (const q of counted.queues) if (!known.includes(q.name)) known.push(q.name);
    known.sort();
    for (const name of names) noted.delete(name);
    return publish([...counted.queues].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  };

  const rescan = (): Promise<QueueInfo[]> => {
    const mine = generation;
    scanning ??= (async () => {
      const redis = options.redis();
      const prefix = options.prefix();
      const started = now();
      const [keys, names] = await Promise.all([keyCount(redis).catch(() => null), discoverQueueNames(redis, prefix)]);
      if (mine !== generation) return queues;
      lastScanMs = now() - started;
      scannedAt = now();
      keysAtScan = keys;
      scans++;
      known = names;
      return count(mine, [...new Set([...names, ...noted])].sort());
    })().finally(() => {
      if (mine === generation) scanning = undefined;
    });
    return scanning;
  };

  /** Rescans when the key count moved since the last SCAN (and the backoff has passed, unless `now`). */
  const check = async (ignoreBackoff: boolean): Promise<QueueInfo[] | null> => {
    if (known === null) return rescan();
    if (scanning) return scanning;
    const backingOff = !ignoreBackoff && now() - scannedAt < nextRescanDelay(lastScanMs);
    // A small keyspace has no backoff (its SCAN is a few ms of Redis time: a slow one there was the
    // host's own event loop, and 200 times it could hide a new queue for a minute).
    if (backingOff && (keysAtScan === null || keysAtScan >= smallKeyspace)) return null;
    const keys = await keyCount(options.redis());
    if (keys === keysAtScan) return null;
    if (backingOff && keys >= smallKeyspace) return null;
    return rescan();
  };

  const refreshCounts = (): Promise<QueueInfo[]> => {
    if (known === null) return rescan();
    if (scanning) return scanning;
    const mine = generation;
    counting ??= count(mine, [...new Set([...known, ...noted])].sort()).finally(() => {
      if (mine === generation) counting = undefined;
    });
    return counting;
  };

  return {
    async list({ rescan: again, maxAgeMs } = {}) {
      // No copy is answered while there is no usable connection (none yet, or Redis not
      // responding): that throws REDIS_UNAVAILABLE, as any call needing Redis does.
      options.redis();
      if (again || known === null) return rescan();
      // Just back from a reconnect (a restart, a wipe): the check of the set comes first.
      if (reconnectCheck) await reconnectCheck.catch(() => undefined);
      // A client asking is a moment to look for new queues. On a small keyspace whose key count
      // moved, the answer waits for a rescan (a few ms: the list is then as fresh as a SCAN per
      // call made it); otherwise the answer is the copy, and the look runs behind it under the
      // watcher's backoff (a new queue comes as a `queues` push).
      const keys = await keyCount(options.redis());
      if (keys !== keysAtScan && keys < smallKeyspace) return rescan();
      void check(false).catch(() => undefined);
      if (scanning) return scanning;
      if (maxAgeMs !== undefined && now() - countedAt > maxAgeMs) return refreshCounts();
      if (noted.size > 0) return refreshCounts();
      return queues;
    },
    refreshCounts,
    rescan,
    rescanIfChanged({ ignoreBackoff = false } = {}) {
      if (!ignoreBackoff) return check(false);
      // Nothing known yet (a connection just opened): the first list discovers, so a CLI command
      // that never lists queues never scans the keyspace.
      if (known === null) return Promise.resolve(null);
      const mine = generation;
      const run = check(true).finally(() => {
        if (mine === generation && reconnectCheck === run) reconnectCheck = undefined;
      });
      reconnectCheck = run;
      return run;
    },
    note(names) {
      for (const name of names) if (name && !(known ?? []).includes(name)) noted.add(name);
    },
    forget() {
      generation++;
      known = null;
      noted.clear();
      queues = [];
      countedAt = -Infinity;
      scannedAt = -Infinity;
      keysAtScan = null;
      lastScanMs = 0;
      lastCountMs = 0;
      lastSent = '';
      scanning = undefined;
      counting = undefined;
      reconnectCheck = undefined;
    },
    stats: () => ({ lastScanMs, lastCountMs, scans }),
  };
}
