// One run at a time per live view: work that arrives while a view's run is busy (keys to re-read,
// or a reload) is merged into its next run, so a burst of events costs one re-read, not one each.

/** What a view's next run does: re-read these job keys, or reload the whole view. */
export interface ViewWork {
  keys: Set<string>;
  reload: boolean;
}

export class ViewRunner {
  private readonly pending = new Map<string, ViewWork>();
  private readonly running = new Map<string, Promise<void>>();

  /**
   * `perform` does one run's work (and handles its errors); it returns false to stop the view's
   * runs (what is pending waits for the next add). Runs go on while `alive(id)`.
   */
  constructor(
    private readonly perform: (id: string, work: ViewWork) => Promise<boolean>,
    private readonly alive: (id: string) => boolean,
  ) {}

  /** Re-reads these keys in the view's next run. */
  add(id: string, keys: Iterable<string>): void {
    const work = this.work(id);
    for (const key of keys) work.keys.add(key);
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

  /** True when work for the view is waiting for its next run. */
  hasPending(id: string): boolean {
    return this.pending.has(id);
  }

  /** Waits for the view's run in progress, if any (its pending work stays). */
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
    if (!work) this.pending.set(id, (work = { keys: new Set(), reload: false }));
    return work;
  }

  private kick(id: string): void {
    if (this.running.has(id)) return;
    const run = (async () => {
      while (this.alive(id)) {
        const work = this.pending.get(id);
        if (!work) break;
        this.pending.delete(id);
        if (!(await this.perform(id, work))) break;
      }
    })().finally(() => this.running.delete(id));
    this.running.set(id, run);
  }
}
