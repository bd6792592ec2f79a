// A crash or an unhandled rejection in the main process is logged (with its stack, to stderr and
// the log file) and shown to the person, never silent. Dialogs are limited to one per
// DIALOG_GAP_MS so an error in a loop does not bury the screen; the rest are counted in the next
// one. Electron is injected (test/unit/desktop-logs.test.ts).
import type { Logger } from '../core/log/logger';
import { clip, redactSecrets } from '../core/log/logger';

// A test seam: exported for test/unit/desktop-logs.test.ts.
export const DIALOG_GAP_MS = 10_000;

export interface CrashReportDeps {
  log: Logger;
  /** Shows an error dialog. */
  show(title: string, text: string): void;
  /** Where the log file is, for the dialog to say. */
  logPath?: string;
  now?: () => number;
}

function describe(reason: unknown): { message: string; stack?: string } {
  if (reason instanceof Error) return { message: reason.message || reason.name, stack: reason.stack };
  return { message: clip(typeof reason === 'string' ? reason : String(reason)) };
}

export function crashReporter(deps: CrashReportDeps): { uncaughtException(err: unknown): void; unhandledRejection(reason: unknown): void } {
  const now = deps.now ?? Date.now;
  let lastShown = -Infinity;
  let unshown = 0;
  const report = (what: string, reason: unknown) => {
    const { message, stack } = describe(reason);
    deps.log.error(what, stack ? { message, stack } : { message });
    const at = now();
    if (at - lastShown < DIALOG_GAP_MS) {
      unshown++;
      return;
    }
    lastShown = at;
    const more = unshown > 0 ? `\n\n(${unshown} more since the last message: see the log.)` : '';
    unshown = 0;
    const where = deps.logPath ? `\n\nThe details are in the log: ${deps.logPath}` : '';
    try {
      deps.show('Flowscope: something went wrong', redactSecrets(`${what}: ${clip(message)}${more}${where}`));
    } catch (err) {
      deps.log.error('could not show the error dialog', { message: String(err) });
    }
  };
  return {
    uncaughtException: (err) => report('An unexpected error in the main process', err),
    unhandledRejection: (reason) => report('An unhandled promise rejection in the main process', reason),
  };
}
