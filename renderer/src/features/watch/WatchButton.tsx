// The flow toolbar's Watch toggle: watches the open flow (its root job of this view), so a
// notification says when it completes, fails or becomes stuck.
import type { ReactNode } from 'react';
import { useFlow } from '../flow-view/use-flow';
import { flowTarget, queueTarget, targetOf } from './watch-store';
import { useWatchApi, useWatchBusy, useWatchList } from './use-watches';

interface ToggleProps {
  target: string;
  className: string;
  testId: string;
  /** What the button says when pressed (watching) and not. */
  title: { on: string; off: string };
  label?: { on: string; off: string };
  onToggle(): void;
  children(watching: boolean): ReactNode;
}

/** A Watch toggle for one target: pressed while it is watched, disabled while a call on it runs. */
function WatchToggle({ target, className, testId, title, label, onToggle, children }: ToggleProps) {
  const watching = useWatchList().some((w) => targetOf(w) === target);
  const busy = useWatchBusy(target);
  return (
    <button
      type="button"
      className={`${className}${watching ? ' watching' : ''}`}
      aria-pressed={watching}
      aria-label={label && (watching ? label.on : label.off)}
      disabled={busy}
      data-testid={testId}
      onClick={onToggle}
      title={watching ? title.on : title.off}
    >
      {children(watching)}
    </button>
  );
}

export function WatchButton() {
  const api = useWatchApi();
  const queue = useFlow((s) => s.queue);
  const jobId = useFlow((s) => s.jobId);
  return (
    <WatchToggle
      target={flowTarget(queue, jobId)}
      className="watch-toggle"
      testId="watch-flow"
      title={{ on: 'Stop watching this flow', off: 'Get a notification when this flow completes, fails or becomes stuck' }}
      onToggle={() => void api.toggleFlow(queue, jobId)}
    >
      {(watching) => (
        <>
          <span aria-hidden="true">{watching ? '●' : '○'}</span> {watching ? 'Watching' : 'Watch'}
        </>
      )}
    </WatchToggle>
  );
}

/** The same for a queue (the sidebar): flows rooted in it that complete or fail, its jobs that block a flow. */
export function WatchQueueButton({ queue }: { queue: string }) {
  const api = useWatchApi();
  return (
    <WatchToggle
      target={queueTarget(queue)}
      className="watch-queue"
      testId="watch-queue"
      label={{ on: `Stop watching queue ${queue}`, off: `Watch queue ${queue}` }}
      title={{ on: `Stop watching queue ${queue}`, off: `Get a notification when a flow of queue ${queue} completes, fails or becomes stuck` }}
      onToggle={() => void api.toggleQueue(queue)}
    >
      {(watching) => (watching ? '●' : '○')}
    </WatchToggle>
  );
}
