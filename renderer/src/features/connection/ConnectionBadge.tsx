// The connection badge: where Flowscope points, what it reaches (a server, a cluster, the master
// a Sentinel names and where it is now) and whether it is connected, at all times.
import type { Topology } from '../../../../shared/domain';
import { useApp } from '../../store/use-app';

export function topologyWords(t: Topology): string {
  if (t.kind === 'cluster') return `cluster · ${t.masters} master${t.masters === 1 ? '' : 's'}`;
  if (t.kind === 'sentinel') return `sentinel ${t.masterName} · master ${t.master}`;
  return 'standalone';
}

const LABEL = {
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  error: 'error',
} as const;

export function ConnectionBadge() {
  const status = useApp((s) => s.status);
  if (!status) return <span className="badge badge-connecting">connecting</span>;
  return (
    <div className="connection" title={status.message ?? status.target}>
      <span className={`badge badge-${status.state}`} data-testid="connection-state" data-state={status.state} data-code={status.code ?? ''}>
        {status.code === 'NOT_RESPONDING' ? 'not responding' : LABEL[status.state]}
      </span>
      {status.readOnly && <span className="badge badge-readonly">read-only</span>}
      {status.topology && status.kind !== 'sandbox' && (
        <span className="badge badge-topology" data-testid="connection-topology" data-kind={status.topology.kind}>
          {topologyWords(status.topology)}
        </span>
      )}
      <span className="connection-target" data-testid="connection-target">
        {status.kind === 'sandbox' ? 'Sandbox' : status.target} · prefix <code>{status.prefix}</code>
      </span>
    </div>
  );
}

/** Explains a connection error in words a support agent can act on. */
export function ConnectionProblem() {
  const status = useApp((s) => s.status);
  if (status?.state === 'connected' && status.warning) {
    return (
      <div className="warning" role="status" data-testid="connection-warning">
        {status.warning}
      </div>
    );
  }
  if (!status || status.state === 'connected' || status.state === 'connecting') return null;
  return (
    <div className="problem" role="alert" data-testid="connection-problem">
      <strong>
        {status.code === 'NOT_RESPONDING'
          ? 'Redis is not responding: waiting for it…'
          : status.state === 'reconnecting'
            ? 'Connection lost: reconnecting…'
            : 'Cannot connect to Redis'}
      </strong>
      {status.message && <p>{status.message}</p>}
    </div>
  );
}
