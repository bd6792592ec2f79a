// clip(): the cut text is a copy, so keeping clipped lines does not keep what they were cut from.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { clip } from '../../electron/core/log/logger';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('clip', () => {
  it('cuts long text with the original length and leaves short text alone', () => {
    expect(clip('short')).toBe('short');
    const long = 'x'.repeat(1000);
    expect(clip(long, 10)).toBe(`${'x'.repeat(10)}… (1000 chars)`);
  });

  it('keeps surrogate pairs and lone surrogates as they were in the cut', () => {
    const text = `${'😀'.repeat(10)}${'a'.repeat(100)}`;
    expect(clip(text, 5).startsWith('😀😀\ud83d')).toBe(true);
  });

  it('does not keep the clipped text alive: 40 clipped 4 MB strings retain kilobytes, not 160 MB', () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept: string[] = [];
    for (let i = 0; i < 40; i++) {
      // A fresh flat string each time (no sharing between the 40).
      const big = `${i}:`.padEnd(4 * 1024 * 1024, String.fromCharCode(97 + (i % 26)));
      kept.push(clip(big));
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    expect(kept).toHaveLength(40);
    expect(retained).toBeLessThan(16 * 1024 * 1024);
  });
});
