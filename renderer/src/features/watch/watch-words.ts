// What a watch event says, in the notification and in the in-app fallback.
import type { WatchEvent, WatchInfo } from '../../../../shared/domain';

const OUTCOME_WORDS: Record<WatchEvent['outcome'], string> = {
  completed: 'completed',
  failed: 'failed',
  stuck: 'is stuck',
  ended: 'is no longer watched',
};

export function watchTitle(event: WatchEvent): string {
  const what = event.name ?? `${event.queue}/${event.jobId}`;
  return event.outcome === 'ended' ? `Watch ended: ${what || event.queue}` : `Flow ${what} ${OUTCOME_WORDS[event.outcome]}`;
}

export function watchLabel(watch: WatchInfo): string {
  return watch.kind === 'queue' ? `queue ${watch.queue}` : `${watch.name ?? watch.jobId} · ${watch.queue}`;
}
