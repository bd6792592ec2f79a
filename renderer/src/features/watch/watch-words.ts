// What a watch event says, in the notification and in the in-app fallback.
import type { WatchEvent, WatchInfo } from '../../../../shared/domain';
import { shortId } from '../../navigation/job-key';

const OUTCOME_WORDS: Record<WatchEvent['outcome'], string> = {
  completed: 'completed',
  failed: 'failed',
  stuck: 'is stuck',
  ended: 'is no longer watched',
};

export function watchTitle(event: WatchEvent): string {
  const what = event.name ?? `${event.queue}/${event.jobId}`;
  if (event.outcome !== 'ended') return `Flow ${what} ${OUTCOME_WORDS[event.outcome]}`;
  return event.kind === 'queue' ? `Watch ended: queue ${event.queue}` : `Watch ended: ${what}`;
}

export function watchLabel(watch: WatchInfo): string {
  return watch.kind === 'queue' ? `queue ${watch.queue}` : `${watch.name ?? watch.jobId} · ${watch.queue}`;
}

/** UUID-like ids (what BullMQ gives flow jobs by default): cut as the rest of the UI cuts them. */
const LONG_ID = /\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b/gi;

/** The body of a notification or toast: where the flow is, and for a failure what happened. */
export function watchBody(event: WatchEvent): string {
  const where = event.jobId ? `${event.queue} · #${shortId(event.jobId)}` : event.queue;
  if (event.outcome === 'completed') return where;
  if (event.outcome === 'ended') return event.detail;
  return `${where}: ${event.detail.replace(LONG_ID, (id) => shortId(id))}`;
}
