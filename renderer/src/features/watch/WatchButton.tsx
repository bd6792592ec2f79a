// The flow toolbar's Watch toggle: watches the open flow (its root job of this view), so a
// notification says when it completes, fails or becomes stuck.
import { useFlow } from '../flow-view/use-flow';
import { flowTarget, queueTarget, targetOf } from './watch-store';
import { useWatchApi, useWatchBusy, useWatchList } from './use-watches';

export function WatchButton() {
  const api = useWatchApi();
  const queue = useFlow((s) => s.queue);
  const jobId = useFlow((s) => s.jobId);
  const target = flowTarget(queue, jobId);
  const watching = useWatchList().some((w) => targetOf(w) === target);
  const busy = useWatchBusy(target);
  return (
    <button
      type="button"
      className={`watch-toggle${watching ? ' watching' : ''}`}
      aria-pressed={watching}
      disabled={busy}
      data-testid="watch-flow"
      onClick={() => void api.toggleFlow(queue, jobId)}
      title={watching ? 'Stop watching this flow' : 'Get a notification when this flow completes, fails or becomes stuck'}
    >
      <span aria-hidden="true">{watching ? '●' : '○'}</span> {watching ? 'Watching' : 'Watch'}
    </button>
  );
}

/** The same for a queue (the sidebar): flows rooted in it that complete or fail, its jobs that block a flow. */
export function WatchQueueButton({ queue }: { queue: string }) {
  const api = useWatchApi();
  const target = queueTarget(queue);
  const watching = useWatchList().some((w) => targetOf(w) === target);
  const busy = useWatchBusy(target);
  return (
    <button
      type="button"
      className={`watch-queue${watching ? ' watching' : ''}`}
      aria-pressed={watching}
      aria-label={watching ? `Stop watching queue ${queue}` : `Watch queue ${queue}`}
      data-testid="watch-queue"
      disabled={busy}
      onClick={() => void api.toggleQueue(queue)}
      title={watching ? `Stop watching queue ${queue}` : `Get a notification when a flow of queue ${queue} completes, fails or becomes stuck`}
    >
      {watching ? '●' : '○'}
    </button>
  );
}
