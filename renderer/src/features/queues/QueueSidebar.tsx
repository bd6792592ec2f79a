// The queue sidebar: every queue under the prefix with its counts per state, kept live by
// the core's queue events.
import type { QueueInfo } from '../../../../shared/domain';
import { useApp } from '../../store/use-app';

const SHOWN = ['waiting', 'active', 'delayed', 'waiting-children', 'completed', 'failed'] as const;

function QueueRow({ queue }: { queue: QueueInfo }) {
  return (
    <li className="queue" data-testid="queue" data-queue={queue.name}>
      <div className="queue-name">
        {queue.name}
        {queue.paused && <span className="badge badge-readonly">paused</span>}
      </div>
      <div className="queue-counts">
        {SHOWN.map((state) => {
          const n = queue.counts[state] + (state === 'waiting' ? queue.counts.paused : 0);
          return (
            <span key={state} className={`count state-${state}${n === 0 ? ' zero' : ''}`} title={state} data-count={state}>
              {state} <b>{n}</b>
            </span>
          );
        })}
      </div>
    </li>
  );
}

export function QueueSidebar() {
  const queues = useApp((s) => s.queues);
  const status = useApp((s) => s.status);
  if (queues === null) {
    return <aside className="sidebar"><p className="muted">{status?.state === 'connected' ? 'Loading queues…' : 'Waiting for Redis…'}</p></aside>;
  }
  return (
    <aside className="sidebar">
      <h2>Queues <span className="muted">{queues.length}</span></h2>
      {queues.length === 0 ? (
        <p className="empty" data-testid="no-queues">
          No BullMQ queues under prefix <code>{status?.prefix ?? 'bull'}</code> yet. Add a job with BullMQ (or run
          <code> npm run demo</code>) and it appears here.
        </p>
      ) : (
        <ul className="queues">{queues.map((q) => <QueueRow key={q.name} queue={q} />)}</ul>
      )}
    </aside>
  );
}
