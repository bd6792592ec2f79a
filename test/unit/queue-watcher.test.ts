// The queue list's refresh is gentle on the Redis it watches: the next discovery waits at least
// 50 times as long as the last one took (capped at a minute), so a slow SCAN of a big keyspace
// does not run every 1.5 s; it emits only when the list changed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueInfo } from '../../shared/domain';
import { createQueueWatcher, nextDiscoveryDelay } from '../../electron/core/queues/queue-watcher';

afterEach(() => vi.useRealTimers());

describe('nextDiscoveryDelay', () => {
  it('keeps the interval for a quick discovery and backs off 50x for a slow one, at most a minute', () => {
    expect(nextDiscoveryDelay(1500, 3)).toBe(1500);
    expect(nextDiscoveryDelay(1500, 1500)).toBe(60_000);
    expect(nextDiscoveryDelay(1500, 200)).toBe(10_000);
    expect(nextDiscoveryDelay(100, 0)).toBe(100);
  });
});

describe('createQueueWatcher', () => {
  it('waits after a slow discovery as long as the rule says, and emits only changes', async () => {
    vi.useFakeTimers();
    const starts: number[] = [];
    const emitted: QueueInfo[][] = [];
    const discover = () => {
      starts.push(Date.now());
      // A discovery that takes 200 ms of (fake) time.
      return new Promise<QueueInfo[]>((resolve) => setTimeout(() => resolve([]), 200));
    };
    const watcher = createQueueWatcher(discover, (q) => emitted.push(q), 1500);
    watcher.start();
    await vi.advanceTimersByTimeAsync(1500 + 200); // the first one, after the plain interval
    expect(starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(9_000); // 200 ms x 50 = 10 s: not yet
    expect(starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000 + 200);
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBe(200 + 10_000);
    expect(emitted).toEqual([[]]); // the same empty list twice: one event
    watcher.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(starts).toHaveLength(2);
  });
});
