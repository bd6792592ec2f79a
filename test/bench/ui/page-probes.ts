// Code that runs inside the page (passed to page.addInitScript / page.evaluate, so each
// function is self-contained): timestamps are taken with Date.now() in the page, on the same
// machine clock as the test process.

export interface FirstPaint {
  /** Date.now() in the frame where the root's node was first visible. */
  at: number;
  /** [data-testid="flow-node"] elements in the DOM in that frame. */
  flowNodes: number;
  /** Every element of the document in that frame. */
  elements: number;
  /** The flow's stats line in that frame ("201 jobs in view so far · reading the rest…"). */
  statsLine: string;
}

/** [key, data-state, Date.now()] for every data-state a graph node showed. */
export type StateRecord = [key: string, state: string, at: number];

interface ProbeWindow {
  __firstPaint?: FirstPaint;
  __stateLog?: StateRecord[];
}

/**
 * Init script: checks once per animation frame (just before the frame is painted) whether the
 * root's graph node is visible — in the DOM, with a box, not visibility:hidden (React Flow hides
 * nodes until it has measured them), and inside the window — and records that frame's time and
 * DOM size. Runs from document start, so it also covers a cold load of the app.
 */
export function firstPaintProbe(rootKey: string): void {
  const probe = window as unknown as ProbeWindow;
  const selector = `[data-testid="flow-node"][data-job-key="${CSS.escape(rootKey)}"]`;
  const tick = () => {
    const el = document.querySelector(selector);
    if (el) {
      const box = el.getBoundingClientRect();
      const shown =
        box.width > 0 &&
        box.height > 0 &&
        getComputedStyle(el).visibility !== 'hidden' &&
        box.bottom > 0 &&
        box.right > 0 &&
        box.top < window.innerHeight &&
        box.left < window.innerWidth;
      if (shown) {
        probe.__firstPaint = {
          at: Date.now(),
          flowNodes: document.querySelectorAll('[data-testid="flow-node"]').length,
          elements: document.getElementsByTagName('*').length,
          statsLine: document.querySelector('[data-testid="flow-stats"]')?.textContent ?? '',
        };
        return;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

export function readFirstPaint(): FirstPaint | null {
  return (window as unknown as ProbeWindow).__firstPaint ?? null;
}

/**
 * Records every data-state a graph node takes from now on (a MutationObserver on attribute
 * changes, and on nodes React Flow mounts), with Date.now() when the observer saw it. The
 * observer's callback runs as a microtask right after the task that changed the DOM.
 */
export function recordStates(): void {
  const probe = window as unknown as ProbeWindow;
  const log: StateRecord[] = [];
  probe.__stateLog = log;
  const note = (el: Element, at: number) => {
    const key = el.getAttribute('data-job-key');
    const state = el.getAttribute('data-state');
    if (key && state) log.push([key, state, at]);
  };
  const observer = new MutationObserver((records) => {
    const at = Date.now();
    for (const record of records) {
      if (record.type === 'attributes') {
        if (record.target instanceof Element && record.target.getAttribute('data-testid') === 'flow-node') note(record.target, at);
        continue;
      }
      for (const added of record.addedNodes) {
        if (!(added instanceof Element)) continue;
        if (added.getAttribute('data-testid') === 'flow-node') note(added, at);
        for (const el of added.querySelectorAll('[data-testid="flow-node"]')) note(el, at);
      }
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

export function readStates(): StateRecord[] {
  return (window as unknown as ProbeWindow).__stateLog ?? [];
}
