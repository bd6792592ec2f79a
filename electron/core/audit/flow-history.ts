// The history of one flow (docs/SPEC.md §6): the audit entries that name any of its jobs, as
// the action's target (`parent`), as the root of the flow the target was in (`rootKey`, so an
// entry about a job since removed is still placed, after a reload too), or among the keys it
// changed. Entries written before `rootKey` was recorded are matched by the other two. The log is read newest first and
// the walk is bounded both by the entries it keeps and by how far back it reads, so a log of
// many megabytes costs at most MAX_FLOW_HISTORY_SCAN_BYTES per question.
import type { AuditEntry } from '../../../shared/actions';
import type { FlowHistory } from '../../../shared/actions';
import { MAX_AUDIT_CHANGED_KEYS } from '../../../shared/answer-limits';
import { auditEntriesNewestFirst } from './audit-log';

/** How far back (in bytes from the end of the log) one history question reads. */
export const MAX_FLOW_HISTORY_SCAN_BYTES = 32 * 1024 * 1024;
/** Entries one answer lists when no limit is asked. */
export const DEFAULT_FLOW_HISTORY_LIMIT = 100;

function names(entry: AuditEntry, keys: ReadonlySet<string>): boolean {
  if (entry.parent !== null && keys.has(entry.parent)) return true;
  if (entry.rootKey !== undefined && keys.has(entry.rootKey)) return true;
  return entry.changed.some((key) => keys.has(key));
}

/** An entry as answered: the keys of the flow it changed first, at most MAX_AUDIT_CHANGED_KEYS in all. */
function shown(entry: AuditEntry, keys: ReadonlySet<string>): AuditEntry {
  if (entry.changed.length <= MAX_AUDIT_CHANGED_KEYS) return entry;
  const inFlow = entry.changed.filter((k) => keys.has(k));
  const rest = entry.changed.filter((k) => !keys.has(k));
  return { ...entry, changed: [...inFlow, ...rest].slice(0, MAX_AUDIT_CHANGED_KEYS), changedTotal: entry.changed.length };
}

export async function readFlowHistory(
  file: string,
  opts: { keys: readonly string[]; limit?: number; maxScanBytes?: number },
): Promise<FlowHistory> {
  const keys = new Set(opts.keys);
  const limit = opts.limit ?? DEFAULT_FLOW_HISTORY_LIMIT;
  const maxScanBytes = opts.maxScanBytes ?? MAX_FLOW_HISTORY_SCAN_BYTES;
  const entries: AuditEntry[] = [];
  let complete = true;
  for await (const { entry, bytesRead } of auditEntriesNewestFirst(file)) {
    if (bytesRead > maxScanBytes) {
      complete = false;
      break;
    }
    if (!names(entry, keys)) continue;
    if (entries.length >= limit) {
      complete = false;
      break;
    }
    entries.push(shown(entry, keys));
  }
  return { entries, complete };
}
