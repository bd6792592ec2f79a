// The live views' run queue without Redis: one run at a time per view, work that arrives during
// a run merged into the next one, runs that stop when told to or when the view closes; and
// pipelined runs (a read while the run before applies, applies in run order, reloads alone).
import { describe, expect, it } from 'vitest';
import { ViewRunner, type ApplyRun, type ViewWork } from '../../electron/core/live/view-runner';

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

/** A runner whose runs read, then apply, each step finished by the test; `log` records the steps in order. */
function pipelined(reads: number) {
  type Run = { keys: string[]; reload: boolean; read(): void; apply(goOn?: boolean): void; applying: boolean };
  const runs: Run[] = [];
  const log: string[] = [];
  let changed: () => void = () => {};
  const runner = new ViewRunner(
    (_id: string, work: ViewWork) =>
      new Promise<ApplyRun>((readDone) => {
        const keys = [...work.keys].sort();
        log.push(`read ${keys.join(',')}`);
        let applyDone: (goOn: boolean) => void = () => {};
        const run: Run = {
          keys,
          reload: work.reload,
          read: () =>
            readDone(
              () =>
                new Promise<boolean>((resolve) => {
                  log.push(`apply ${keys.join(',')}`);
                  run.applying = true;
                  applyDone = resolve;
                  changed();
                }),
            ),
          apply: (goOn = true) => applyDone(goOn),
          applying: false,
        };
        runs.push(run);
        changed();
      }),
    () => true,
    reads,
  );
  /** Resolves once the predicate holds. */
  const until = (predicate: () => boolean) =>
    new Promise<void>((resolve) => {
      changed = () => (predicate() ? resolve() : undefined);
      changed();
    });
  return { runner, runs, log, until };
}

/** One turn of the event loop: every step that was due has happened. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** The keys of each apply, in the order they ran. */
const applies = (log: string[]) => log.filter((step) => step.startsWith('apply')).map((step) => step.slice(6));

describe('the view runner, pipelined', () => {
  it("sends a run's reads while the run before applies, and applies in run order", async () => {
    const { runner, runs, log, until } = pipelined(1);
    runner.add('a', ['k1']);
    await until(() => runs.length === 1);
    runner.add('a', ['k2']);
    expect(runs).toHaveLength(1); // one read out at a time
    runs[0]!.read();
    await until(() => runs.length === 2 && runs[0]!.applying);
    expect(runner.hasPending('a')).toBe(true); // during k1's apply, k2's run is on its way
    runner.add('a', ['k3']);
    runs[1]!.read();
    // k2 read, but k1 still applies: k2 waits, and k3 waits for a free slot.
    await turn();
    expect(runs[1]!.applying).toBe(false);
    expect(runs).toHaveLength(2);
    runs[0]!.apply();
    await until(() => runs[1]!.applying && runs.length === 3);
    runs[1]!.apply();
    runs[2]!.read();
    await until(() => runs[2]!.applying);
    runs[2]!.apply();
    await runner.settled('a');
    expect(log.slice(0, 3)).toEqual(['read k1', 'apply k1', 'read k2']);
    expect(applies(log)).toEqual(['k1', 'k2', 'k3']);
    expect(runner.busy('a')).toBe(false);
  });

  it('with two reads out at once, a run read first still applies after the one before it', async () => {
    const { runner, runs, log, until } = pipelined(2);
    runner.add('a', ['k1']);
    await until(() => runs.length === 1);
    runner.add('a', ['k2']);
    await until(() => runs.length === 2); // its reads go out at once
    runner.add('a', ['k3']);
    await turn();
    expect(runs).toHaveLength(2); // two reads out
    runs[1]!.read();
    await until(() => runs.length === 3);
    await turn();
    expect(runs[1]!.applying).toBe(false); // k2 read, k1 not yet
    runner.add('a', ['k4']);
    runs[0]!.read();
    await until(() => runs[0]!.applying);
    expect(runs).toHaveLength(3); // three runs wait to apply: k4 waits
    runs[0]!.apply();
    await until(() => runs[1]!.applying && runs.length === 4);
    runs[1]!.apply();
    runs[2]!.read();
    await until(() => runs[2]!.applying);
    runs[2]!.apply();
    runs[3]!.read();
    await until(() => runs[3]!.applying);
    runs[3]!.apply();
    await runner.settled('a');
    expect(log.slice(0, 4)).toEqual(['read k1', 'read k2', 'read k3', 'apply k1']);
    expect(log.filter((step) => step.startsWith('read')).map((step) => step.slice(5))).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(applies(log)).toEqual(['k1', 'k2', 'k3', 'k4']);
  });

  it('a run that stops the view puts the work of the run read after it back', async () => {
    const { runner, runs, until } = pipelined(1);
    runner.add('a', ['k1']);
    await until(() => runs.length === 1);
    runner.add('a', ['k2']);
    runs[0]!.read();
    await until(() => runs.length === 2 && runs[0]!.applying);
    runs[1]!.read();
    runner.add('a', ['k3']);
    runs[0]!.apply(false);
    await runner.settled('a');
    expect(runs[1]!.applying).toBe(false);
    expect(runner.busy('a')).toBe(true); // k2 and k3 wait for the next add
    runner.add('a', ['k4']);
    await until(() => runs.length === 3);
    expect(runs[2]!.keys).toEqual(['k2', 'k3', 'k4']);
    runs[2]!.read();
    await until(() => runs[2]!.applying);
    runs[2]!.apply();
    await runner.settled('a');
  });

  it('reloads alone: after the runs before it applied, before the next run reads', async () => {
    const { runner, runs, log, until } = pipelined(2);
    runner.add('a', ['k1']);
    await until(() => runs.length === 1);
    runner.reload('a');
    await turn();
    expect(runs).toHaveLength(1);
    runs[0]!.read();
    await until(() => runs[0]!.applying);
    runs[0]!.apply();
    await until(() => runs.length === 2);
    expect(runs[1]!.reload).toBe(true);
    runner.add('a', ['k2']);
    runs[1]!.read();
    await until(() => runs[1]!.applying);
    await turn();
    expect(runs).toHaveLength(2);
    runs[1]!.apply();
    await until(() => runs.length === 3);
    runs[2]!.read();
    await until(() => runs[2]!.applying);
    runs[2]!.apply();
    await runner.settled('a');
    expect(log).toEqual(['read k1', 'apply k1', 'read ', 'apply ', 'read k2', 'apply k2']);
  });
});

describe('the view runner, capped', () => {
  it('gives a run at most maxKeys keys, the oldest first, and the rest to the runs after it', async () => {
    const started: ViewWork[] = [];
    let finish: (() => void) | null = null;
    let changed = () => {};
    const runner = new ViewRunner(
      (_id, work) =>
        new Promise<boolean>((resolve) => {
          started.push({ keys: new Set(work.keys), list: new Set(work.list), reload: work.reload });
          finish = () => resolve(true);
          changed();
        }),
      () => true,
      1,
      2,
    );
    /** Lets the run in progress finish once `count` runs have started. */
    const finishRun = (count: number) =>
      new Promise<void>((resolve) => {
        changed = () => {
          if (started.length < count) return;
          changed = () => {};
          finish!();
          resolve();
        };
        changed();
      });
    runner.add('a', ['k1']);
    runner.add('a', ['k2', 'k3', 'k4']);
    runner.add('a', ['p'], true);
    expect(started.map((w) => [...w.keys])).toEqual([['k1']]);
    await finishRun(1);
    await finishRun(2);
    expect(runner.hasPending('a')).toBe(true); // k4 and p wait
    await finishRun(3);
    await runner.settled('a');
    expect(started.map((w) => [...w.keys])).toEqual([['k1'], ['k2', 'k3'], ['k4', 'p']]);
    expect(started.map((w) => [...w.list])).toEqual([[], [], ['p']]);
    expect(runner.busy('a')).toBe(false);
  });
});
