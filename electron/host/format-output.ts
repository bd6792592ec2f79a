// Human-readable CLI output (the --json output is the contract's own shapes).
import type { AuditEntry } from '../../shared/actions';
import type { FlowList, QueueInfo } from '../../shared/domain';
import { searchMissWords } from '../../shared/search-words';

/**
 * Text cut to `width` characters for one line of output: only its first line, and "…" at the
 * end whenever anything was left out, so a cut reason never reads as the whole reason.
 */
export function clip(text: string, width: number): string {
  const firstLine = text.split('\n')[0]!.trimEnd();
  const cut = firstLine.length > width;
  const shown = cut ? firstLine.slice(0, Math.max(0, width - 1)).trimEnd() : firstLine;
  return cut || firstLine.length < text.trimEnd().length ? `${shown}…` : shown;
}

const COLUMNS = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

export function formatQueues(queues: QueueInfo[]): string {
  if (queues.length === 0) return 'No queues found under this prefix.';
  const header = ['queue', ...COLUMNS, 'version', 'actions'];
  const rows = queues.map((q) => [
    q.paused ? `${q.name} (paused)` : q.name,
    ...COLUMNS.map((c) => String(q.counts[c] + (c === 'waiting' ? q.counts.paused : 0))),
    q.version ?? '-',
    q.compat.ok ? 'yes' : 'off',
  ]);
  const refused = queues.filter((q) => !q.compat.ok).map((q) => `actions off on ${q.name}: ${q.compat.reason ?? 'untested BullMQ'}`);
  return [formatTable([header, ...rows]), ...refused].join('\n');
}

export function formatFlows(list: FlowList): string {
  if (list.flows.length === 0) return list.search ? searchMissWords(list.search) : 'No flows match.';
  // A search finds children too: their flow's root is what `tree` should be asked for.
  const withRoots = list.flows.some((f) => f.root);
  const header = ['flow', 'name', 'state', 'processed', 'unprocessed', 'failed', 'ignored', 'blocking', 'created', ...(withRoots ? ['flow root'] : [])];
  const rows = list.flows.map((f) => [
    `${f.queue}:${f.id}${f.isRoot ? '' : ' (child)'}`,
    f.name ?? '-',
    f.state,
    ...(['processed', 'unprocessed', 'failed', 'ignored'] as const).map((b) => String(f.childCounts[b])),
    String(f.blockingFailures),
    f.timestamp ? new Date(f.timestamp).toISOString() : '-',
    ...(withRoots ? [f.root ? `${f.root.queue}:${f.root.id}` : '-'] : []),
  ]);
  const more = list.nextCursor ? `\n… more: raise --limit` : '';
  return formatTable([header, ...rows]) + more;
}

export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'No actions recorded yet.';
  return entries
    .map((e) => {
      // The flow the job was in, when it is not the job itself (a removed child's entry still names its flow).
      const flow = e.rootKey && e.rootKey !== e.parent ? `  in flow ${e.rootKey}` : '';
      return `${e.time}  ${e.outcome.padEnd(7)}  ${e.action}  ${e.parent ?? '-'}${flow}  (${e.changedTotal ?? e.changed.length} changed)  ${e.connection}${e.message ? `  — ${e.message}` : ''}`;
    })
    .join('\n');
}
