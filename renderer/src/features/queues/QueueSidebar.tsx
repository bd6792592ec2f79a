// The queue list: every queue under the prefix with its counts per state and the BullMQ that
// wrote it (with why actions are off when they are), kept live by the core's queue events.
// Picking a queue filters the flow list below it; picking it again shows every queue's flows.
// Refresh looks for queues the core has not seen yet (a SCAN of the keyspace).
import type { QueueInfo } from '../../../../shared/domain';
import { useNavigation, useNavigationApi } from '../../navigation/use-navigation';
import { useQueues, useRescanQueues } from '../../store/server-data';
import { useApp } from '../../store/use-app';
import { errorInWords } from '../../transport/error-words';
import { WatchQueueButton } from '../watch/WatchButton';

const SHOWN = ['waiting', 'active', 'delayed', 'waiting-children', 'completed', 'failed'] as const;

/** `bullmq:6.7.0` -> `BullMQ 6.7.0`; another library's name is kept as written. */
function versionText(queue: QueueInfo): string {
  if (!queue.version) return queue.compat.layout ? `no version (BullMQ ${queue.compat.layout} layout)` : 'no version';
  return queue.version.startsWith('bullmq:') ? `BullMQ ${queue.version.slice('bullmq:'.length)}` : queue.version;
}

function QueueRow({ queue, selected, onPick }: { queue: QueueInfo; selected: boolean; onPick: () => void }) {
  return (
    <li className={`queue${selected ? ' selected' : ''}`} data-testid="queue" data-queue={queue.name}>
      <button type="button" className="queue-pick" aria-pressed={selected} onClick={onPick}>
        <span className="queue-name">
          {queue.name}
          {queue.paused && <span className="badge badge-readonly">paused</span>}
        </span>
        <span className="queue-version" data-testid="queue-version" title={queue.compat.ok ? undefined : `Actions are off: this queue ${queue.compat.reason}.`}>
          {versionText(queue)}
          {!queue.compat.ok && <span className="badge badge-refused">actions off</span>}
        </span>
        <span className="queue-counts">
          {SHOWN.map((state) => {
            const n = queue.counts[state] + (state === 'waiting' ? queue.counts.paused : 0);
            return (
              <span key={state} className={`count state-${state}${n === 0 ? ' zero' : ''}`} title={state} data-count={state}>
                {state} <b>{n}</b>
              </span>
            );
          })}
        </span>
      </button>
      <WatchQueueButton queue={queue.name} />
    </li>
  );
}

function RefreshQueues({ rescan }: { rescan: ReturnType<typeof useRescanQueues> }) {
  return (
    <button
        type="button"
        className="link refresh-queues"
        data-testid="refresh-queues"
        disabled={rescan.isPending}
        title="Look for queues created since the list was read"
        onClick={() => rescan.mutate()}
      >
      {rescan.isPending ? 'Refreshing…' : 'Refresh'}
    </button>
  );
}

export function QueueSidebar() {
  const queues = useQueues();
  const status = useApp((s) => s.status);
  const rescan = useRescanQueues();
  const selected = useNavigation((s) => s.selectedQueue);
  const navigation = useNavigationApi();
  if (queues === null) {
    return (
      <section className="queue-section">
        <p className="muted">{status?.state === 'connected' ? 'Loading queues…' : 'Waiting for Redis…'}</p>
      </section>
    );
  }
  return (
    <section className="queue-section" aria-label="Queues">
      <h2>
        Queues <span className="muted">{queues.length}</span>
        {selected && (
          <button type="button" className="link all-queues" onClick={() => navigation.selectQueue(null)}>
            all queues
          </button>
        )}
        <RefreshQueues rescan={rescan} />
      </h2>
      {rescan.isError && (
        <p className="problem queue-refresh-error" role="alert" data-testid="refresh-queues-error">
          Could not look for new queues: {errorInWords(rescan.error)}
        </p>
      )}
      {queues.length === 0 ? (
        <p className="empty" data-testid="no-queues">
          No BullMQ queues under prefix <code>{status?.prefix ?? 'bull'}</code> yet. Add a job with BullMQ (or run
          <code> npm run demo</code>) and it appears here.
        </p>
      ) : (
        <ul className="queues">
          {queues.map((q) => (
            <QueueRow
              key={q.name}
              queue={q}
              selected={selected === q.name}
              onPick={() => navigation.selectQueue(selected === q.name ? null : q.name)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
