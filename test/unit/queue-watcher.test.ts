// The queue list's refresh is gentle on the Redis it watches: the watcher counts the known
// queues every interval (backing off 50x a slow counts pipeline, at most a minute) and asks for
// a rescan of the set only through the registry's change-gated backoff (200x the last SCAN,
// between 2 s and 10 min).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueInfo } from '../../shared/domain';
import { createQueueWatcher, nextCountDelay } from '../../electron/core/queues/queue-watcher';
import { nextRescanDelay, type QueueRegistry } from '../../electron/core/queues/queue-registry';

afterEach(() => vi.useRealTimers());

describe('nextCountDelay', () => {
  it('keeps the interval for a quick count and backs off 50x for a slow one, at most a minute', () => {
    expect(nextCountDelay(1500, 3)).toBe(1500);
    expect(nextCountDelay(1500, 1500)).toBe(60_000);
    expect(nextCountDelay(1500, 200)).toBe(10_000);
    expect(nextCountDelay(100, 0)).toBe(100);
  });
});

describe('nextRescanDelay', () => {
  it('waits 200x the last SCAN, at least 2 s and at most 10 minutes', () => {
    expect(nextRescanDelay(1)).toBe(2_000);
    expect(nextRescanDelay(50)).toBe(10_000);
    expect(nextRescanDelay(1500)).toBe(300_000);
    expect(nextRescanDelay(10_000)).toBe(600_000);
  });
});

describe('createQueueWatcher', () => {
  it('counts every interval (later after a slow count), asks for a change-gated rescan each tick, and stops', async () => {
    vi.useFakeTimers();
    const counts: number[] = [];
    let rescanChecks = 0;
    let lastCountMs = 0;
    const registry: QueueRegistry = {
      list: () => Promise.resolve([]),
      refreshCounts: () => {
        counts.push(Date.now());
        // A counts pipeline that takes 200 ms of (fake) time.
        return new Promise<QueueInfo[]>((resolve) =>
          setTimeout(() => {
            lastCountMs = 200;
            resolve([]);
          }, 200),
        );
      },
      rescan: () => Promise.resolve([]),
      rescanIfChanged: () => {
        rescanChecks++;
        return Promise.resolve(null);
      },
      note: () => undefined,
      forget: () => undefined,
      stats: () => ({ lastScanMs: 0, lastCountMs, scans: 0 }),
    };
    const watcher = createQueueWatcher(registry, 1500);
    watcher.start();
    await vi.advanceTimersByTimeAsync(1500 + 200); // the first one, after the plain interval
    expect(counts).toHaveLength(1);
    expect(rescanChecks).toBe(1);
    await vi.advanceTimersByTimeAsync(9_000); // 200 ms x 50 = 10 s: not yet
    expect(counts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000 + 200);
    expect(counts).toHaveLength(2);
    expect(counts[1]! - counts[0]!).toBe(200 + 10_000);
    watcher.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(counts).toHaveLength(2);
  });
});
