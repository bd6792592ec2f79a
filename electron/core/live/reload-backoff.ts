// When a view's reload fails (Redis away or mid-failover) it is tried again later, the wait
// doubling from 200 ms to 2 s at most, while the view is open; a reload that works starts over.

const FIRST_MS = 100; // doubled before the first wait
const MOST_MS = 2000;

export class ReloadBackoff {
  private readonly delays = new Map<string, number>();

  /** Calls `again` after the view's next wait, if `isOpen` still says so then. */
  later(id: string, isOpen: () => boolean, again: () => void): void {
    const delay = Math.min((this.delays.get(id) ?? FIRST_MS) * 2, MOST_MS);
    this.delays.set(id, delay);
    setTimeout(() => {
      if (isOpen()) again();
      else this.delays.delete(id);
    }, delay).unref();
  }

  /** The view's reload worked: its next failure waits the shortest time again. */
  reset(id: string): void {
    this.delays.delete(id);
  }
}
