// The runs of each live view, pipelined: a run first reads (its round trips to Redis), then
// applies what it read (the patch). Up to `reads` runs of a view have their reads out at once,
// and a run's reads go out as soon as that allows (and no more than `reads` runs wait to
// apply), so Redis answers the next run while the core applies the one before, and an event
// does not wait for a whole run to end before its re-read goes out. Applies stay one at a
// time, in run order, so patches go out in sequence. Work that arrives meanwhile (keys to
// re-read, or a reload) is merged into the next run that has not started, so a burst of
// events costs a few re-reads, not one each; a run takes at most `maxKeys` keys, the oldest
// first, so that a large backlog goes out in several short runs, the first patch early. A
// reload runs alone: nothing before it still applying, nothing after it reading.

/** What a view's next run does: re-read these job keys (listing the children of `list`), or reload the whole view. */
export interface ViewWork {
  keys: Set<string>;
  /** Keys (also in `keys`) whose children must be listed, not only counted. */
  list: Set<string>;
  reload: boolean;
}

/** A run whose reads are in: applies them; false stops the view's runs. */
export type ApplyRun = () => Promise<boolean>;

export class ViewRunner {
  private readonly pending = new Map<string, ViewWork>();
  private readonly running = new Map<string, Promise<void>>();
  /** Runs of a view started (reads out) and not yet applied. */
  private readonly started = new Map<string, number>();
  /** Wakes a view's loop waiting for its last apply when new work comes. */
  private readonly wakers = new Map<string, () => void>();

  /**
   * `start` begins one run (and handles its errors): it resolves once the run's reads are in,
   * with the step that applies them, or does the whole run and resolves with what that step
   * would (false stops the view's runs: what is pending waits for the next add). Runs go on
   * while `alive(id)`.
   */
  constructor(
    private readonly start: (id: string, work: ViewWork) => Promise<boolean | ApplyRun>,
    private readonly alive: (id: string) => boolean,
    /** Runs of a view that may have their reads out at once (1: a run reads once the one before has its reads in). */
    private readonly reads = 1,
    /** Most keys one run re-reads: more wait for the next run, so each run's reads stay short. */
    private readonly maxKeys = Infinity,
  ) {}

  /** Re-reads these keys in the view's next run (listing the children of each when `list`). */
  add(id: string, keys: Iterable<string>, list = false): void {
    const work = this.work(id);
    for (const key of keys) {
      work.keys.add(key);
      if (list) work.list.add(key);
    }
    this.kick(id);
  }

  /** Reloads the view in its next run. */
  reload(id: string): void {
    this.work(id).reload = true;
    this.kick(id);
  }

  /** True while the view has a run going or work waiting. */
  busy(id: string): boolean {
    return this.running.has(id) || this.pending.has(id);
  }

  /**
   * True, during a run's apply, when another run of the view follows for certain: work is
   * waiting, or a later run has its reads out already.
   */
  hasPending(id: string): boolean {
    return this.pending.has(id) || (this.started.get(id) ?? 0) > 1;
  }

  /** Waits for the view's runs in progress, if any (its pending work stays). */
  async settled(id: string): Promise<void> {
    await this.running.get(id);
  }

  /** Drops the view's pending work (a run in progress finishes). */
  forget(id: string): void {
    this.pending.delete(id);
  }

  /** Drops all pending work and waits for the runs in progress. */
  async close(): Promise<void> {
    this.pending.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private work(id: string): ViewWork {
    let work = this.pending.get(id);
    if (!work) this.pending.set(id, (work = { keys: new Set(), list: new Set(), reload: false }));
    return work;
  }

  /** The next run's share of the pending work: all of it, or its `maxKeys` oldest keys (a reload takes all). */
  private take(id: string, work: ViewWork): ViewWork {
    if (work.reload || work.keys.size <= this.maxKeys) {
      this.pending.delete(id);
      return work;
    }
    const share: ViewWork = { keys: new Set(), list: new Set(), reload: false };
    for (const key of work.keys) {
      if (share.keys.size >= this.maxKeys) break;
      share.keys.add(key);
      if (work.list.delete(key)) share.list.add(key);
    }
    for (const key of share.keys) work.keys.delete(key);
    return share;
  }

  /** Puts a run's work back in front of what is pending (its run was stopped before it applied). */
  private putBack(id: string, work: ViewWork): void {
    const later = this.pending.get(id);
    if (later) {
      for (const key of later.keys) work.keys.add(key);
      for (const key of later.list) work.list.add(key);
      work.reload ||= later.reload;
    }
    this.pending.set(id, work);
  }

  private count(id: string, by: number): void {
    const n = (this.started.get(id) ?? 0) + by;
    if (n > 0) this.started.set(id, n);
    else this.started.delete(id);
  }

  /** Starts one run; resolves once its reads are in, with its apply (chained after `previous`). */
  private launch(id: string, work: ViewWork, previous: Promise<boolean>): { read: Promise<unknown>; applied: Promise<boolean> } {
    this.count(id, 1);
    const read = this.start(id, work);
    const applied = (async () => {
      try {
        const step = await read;
        if (!(await previous)) {
          this.putBack(id, work);
          return false;
        }
        return typeof step === 'function' ? await step() : step;
      } finally {
        this.count(id, -1);
      }
    })();
    return { read, applied };
  }

  private kick(id: string): void {
    if (this.running.has(id)) {
      this.wakers.get(id)?.();
      return;
    }
    let stopped = false;
    const loop = (async () => {
      /** The apply of the last run started (true: go on). */
      let applied: Promise<boolean> = Promise.resolve(true);
      const stop = () => void (stopped = true);
      /** Runs of this loop with their reads out, and runs not applied yet. */
      let reading = 0;
      let unapplied = 0;
      let progress = () => {};
      const settle = (step: 'read' | 'applied', ok = true) => {
        if (step === 'read') reading--;
        else unapplied--;
        if (!ok) stop();
        progress();
      };
      while (this.alive(id)) {
        const work = this.pending.get(id);
        if (!work) {
          // Nothing waiting: the loop ends with the last apply, unless work comes first.
          const more = new Promise<'more'>((resolve) => this.wakers.set(id, () => resolve('more')));
          const first = await Promise.race([applied.then(() => 'applied' as const), more]);
          this.wakers.delete(id);
          if (first === 'applied') {
            if (!(await applied)) stop();
            if (stopped || !this.pending.has(id)) break;
          }
          continue;
        }
        if (work.reload && unapplied > 0) {
          // A reload waits for the runs before it to apply (then looks at what is pending again).
          if (!(await applied)) {
            stop();
            break;
          }
          continue;
        }
        const run = this.launch(id, this.take(id, work), applied);
        applied = run.applied;
        if (work.reload) {
          if (!(await applied)) {
            stop();
            break;
          }
          continue;
        }
        // The next run's reads go out once fewer than `reads` runs have theirs out and at most
        // `reads` runs wait to apply.
        reading++;
        unapplied++;
        void run.read.then(
          () => settle('read'),
          () => settle('read'),
        );
        void run.applied.then((ok) => settle('applied', ok));
        while (!stopped && (reading >= this.reads || unapplied > this.reads)) await new Promise<void>((resolve) => (progress = resolve));
        if (stopped) break;
      }
      if (!(await applied)) stop();
    })().finally(() => {
      this.running.delete(id);
      this.wakers.delete(id);
      // Work that came as the loop ended starts a new one (a stopped view waits for the next add).
      if (!stopped && this.pending.has(id) && this.alive(id)) this.kick(id);
    });
    this.running.set(id, loop);
  }
}
