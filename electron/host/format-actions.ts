// Human output of the actions: what changed (or would), what was skipped and why.
import type { RemoveJobResult, RemoveUnprocessedResult, RetryResult, SkippedJob } from '../../shared/actions';

function section(title: string, keys: string[]): string[] {
  return keys.length === 0 ? [] : [`${title} (${keys.length}):`, ...keys.map((k) => `  ${k}`)];
}

function skipped(list: SkippedJob[]): string[] {
  return list.length === 0 ? [] : [`skipped (${list.length}):`, ...list.map((s) => `  ${s.key} — ${s.reason}`)];
}

export function formatRetry(result: RetryResult, dryRun: boolean): string {
  const lines = [
    ...section(dryRun ? 'would reopen' : 'reopened', result.reopened),
    ...section(dryRun ? 'would retry' : 'retried', result.retried),
    ...skipped(result.skipped),
  ];
  return lines.length > 0 ? lines.join('\n') : 'Nothing to retry.';
}

export function formatRemoveUnprocessed(result: RemoveUnprocessedResult, dryRun: boolean): string {
  const lines = [
    ...section(dryRun ? 'would remove' : 'removed', result.removed),
    ...skipped(result.skipped),
    ...section('still blocking the parent', result.stillBlocking),
  ];
  if (result.releasesParent) lines.push(dryRun ? 'the parent would move to wait' : 'the parent moved to wait');
  return lines.length > 0 ? lines.join('\n') : 'Nothing to remove.';
}

export function formatRemoveJob(result: RemoveJobResult, dryRun: boolean): string {
  const lines = section(dryRun ? 'would remove' : 'removed', result.removed);
  if (result.releasedParent) lines.push(`${dryRun ? 'would release' : 'released'} its parent ${result.releasedParent}`);
  return lines.join('\n');
}
