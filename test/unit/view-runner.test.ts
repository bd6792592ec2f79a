// The live views' run queue without Redis: one run at a time per view, work that arrives during
// a run merged into the next one, runs that stop when told to or when the view closes.
import { describe, expect, it } from 'vitest';
import { ViewRunner, type ViewWork } from '../../electron/core/live/view-runner';

/** A runner whose runs wait until the test lets each one finish. */
function setup(open = new Set(['a', 'b'])) {
  const runs: { id: string; keys: string[]; reload: boolean; finish(goOn?: boolean): void }[] = [];
  let started: () => void = () => {};
  const runner = new ViewRunner(
    (id: string, work: ViewWork) =>
      new Promise<boolean>((resolve) => {
        runs.push({ id, keys: [...work.keys].sort(), reload: work.reload, finish: (goOn = true) => resolve(goOn) });
        started();
      }),
    (id) => open.has(id),
  );
  /** Resolves once `count` runs have started in all. */
  const runsStarted = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (runs.length >= count ? resolve() : undefined);
      started = check;
      check();
    });
  return { runner, runs, runsStarted, open };
}

describe('the view runner', () => {
  it('runs one view at a time and merges what arrives meanwhile into its next run', async () => {
    const { runner, runs, runsStarted } = setup();
    runner.add('a', ['k1']);
    await runsStarted(1);
    runner.add('a', ['k2', 'k3']);
    runner.add('a', ['k2']);
    runner.reload('a');
    expect(runs).toHaveLength(1);
    expect(runner.busy('a')).toBe(true);
    runs[0]!.finish();
    await runsStarted(2);
    expect(runs.map((r) => [r.id, r.keys, r.reload])).toEqual([
      ['a', ['k1'], false],
      ['a', ['k2', 'k3'], true],
    ]);
    runs[1]!.finish();
    await runner.settled('a');
    expect(runner.busy('a')).toBe(false);
    expect(runs).toHaveLength(2);
  });

  it('runs different views side by side', async () => {
    const { runner, runs, runsStarted } = setup();
    runner.add('a', ['k1']);
    runner.add('b', ['k2']);
    await runsStarted(2);
    expect(runs.map((r) => r.id)).toEqual(['a', 'b']);
    for (const run of runs) run.finish();
    await Promise.all([runner.settled('a'), runner.settled('b')]);
  });

  it('stops a view whose run says so, keeping what waits for the next add', async () => {
    const { runner, runs, runsStarted } = setup();
    runner.reload('a');
    await runsStarted(1);
    runner.add('a', ['k1']);
    runs[0]!.finish(false);
    await runner.settled('a');
    expect(runs).toHaveLength(1);
    expect(runner.busy('a')).toBe(true); // k1 waits
    runner.add('a', ['k2']);
    await runsStarted(2);
    expect(runs[1]!.keys).toEqual(['k1', 'k2']);
    runs[1]!.finish();
    await runner.settled('a');
  });

  it('runs nothing more for a closed view, and forgets dropped work', async () => {
    const { runner, runs, runsStarted, open } = setup();
    runner.add('a', ['k1']);
    await runsStarted(1);
    runner.add('a', ['k2']);
    open.delete('a');
    runs[0]!.finish();
    await runner.settled('a');
    expect(runs).toHaveLength(1);
    open.add('a');
    runner.forget('a');
    expect(runner.busy('a')).toBe(false);
    await runner.close();
  });
});
