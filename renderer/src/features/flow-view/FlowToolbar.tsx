// Above the graph: where this view sits in its flow (links up to the root), whether it is
// live, how big it is, and the viewport buttons.
import { useState } from 'react';
import { shareableDeepLink } from '../../../../shared/deep-link';
import { useApp } from '../../store/use-app';
import { parseJobKey } from '../../../../shared/job-keys';
import { shortId } from '../../navigation/job-key';
import { useNavigationApi } from '../../navigation/use-navigation';
import { CopyButton } from '../inspector/CopyButton';
import { ExportButton } from '../history/ExportButton';
import { WatchButton } from '../watch/WatchButton';
import type { LiveState } from './flow-store';
import { useFlow, useFlowController, useJob } from './use-flow';
import { plural } from '../../words/plural';

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  resyncing: 'catching up…',
  off: 'not live',
};

function Breadcrumb() {
  const navigation = useNavigationApi();
  const prefix = useApp((s) => s.status?.prefix ?? 'bull');
  const ancestors = useFlow((s) => s.ancestors);
  const rootKey = useFlow((s) => s.rootKey);
  const root = useJob(rootKey);
  const queue = useFlow((s) => s.queue);
  const jobId = useFlow((s) => s.jobId);
  return (
    <nav className="breadcrumb" aria-label="Position in the flow">
      {ancestors.map((key, i) => {
        const parts = parseJobKey(key, prefix);
        return (
          <span key={key}>
            {parts ? (
              <button
                type="button"
                className="link"
                title={i === 0 ? `Open the whole flow from its root ${key}` : `Open ${key}`}
                onClick={() => navigation.navigate({ view: 'flow', queue: parts.queue, jobId: parts.id })}
              >
                {i === 0 ? 'root' : ''} {parts.queue}/{shortId(parts.id)}
              </button>
            ) : (
              <code>{key}</code>
            )}
            <span className="muted"> › </span>
          </span>
        );
      })}
      <strong data-testid="flow-title">{root?.name ?? jobId}</strong>{' '}
      <span className="muted">
        {queue} · #{shortId(jobId)}
      </span>
    </nav>
  );
}

export type FlowShown = 'graph' | 'timeline' | 'history';

const SHOWN_LABEL: Record<FlowShown, string> = { graph: 'Graph', timeline: 'Timeline', history: 'History' };

/** Graph, timeline or history: the same jobs as a tree, on a time axis, or the repairs run on them. */
function ViewSwitch({ shown, onShow }: { shown: FlowShown; onShow(view: FlowShown): void }) {
  return (
    <span className="view-switch" role="group" aria-label="Show the flow as">
      {(['graph', 'timeline', 'history'] as const).map((v) => (
        <button key={v} type="button" aria-pressed={shown === v} className={shown === v ? 'on' : ''} onClick={() => onShow(v)} data-testid={`show-${v}`}>
          {SHOWN_LABEL[v]}
        </button>
      ))}
    </span>
  );
}

export function FlowToolbar({ shown = 'graph', onShow }: { shown?: FlowShown; onShow?(view: FlowShown): void }) {
  const controller = useFlowController();
  const live = useFlow((s) => s.live);
  const phase = useFlow((s) => s.phase);
  const count = useFlow((s) => s.jobsByKey.size);
  const stats = useFlow((s) => s.stats);
  const partial = useFlow((s) => s.partial);
  const failed = useFlow((s) => {
    let n = 0;
    for (const job of s.jobsByKey.values()) if (job.state === 'failed' || job.blocking) n++;
    return n;
  });
  const [noFailures, setNoFailures] = useState(false);
  const queue = useFlow((s) => s.queue);
  const jobId = useFlow((s) => s.jobId);
  const connectionId = useApp((s) => s.status?.connectionId);
  return (
    <div className="flow-toolbar">
      <Breadcrumb />
      <span className={`badge live-${live}`} data-testid="flow-live" data-live={live}>
        {LIVE_LABEL[live]}
      </span>
      {phase === 'ready' && (
        <span className="muted flow-stats" data-testid="flow-stats">
          {plural(count, 'job')} in view
          {partial ? ' so far · reading the rest of the flow…' : stats && stats.ms > 0 ? ` · read in ${Math.round(stats.ms)} ms` : ''}
        </span>
      )}
      <div className="toolbar-buttons">
        {onShow && <ViewSwitch shown={shown} onShow={onShow} />}
        <button type="button" onClick={() => controller.fitAll()} disabled={phase !== 'ready' || shown !== 'graph'}>
          Zoom to fit
        </button>
        <button
          type="button"
          onClick={() => setNoFailures(controller.focusFailed() === 0)}
          disabled={phase !== 'ready' || failed === 0 || shown !== 'graph'}
          title={failed === 0 ? 'No failed jobs in view' : `Open and show the ${plural(failed, 'failed job')} (the biggest readable cluster of them when they are spread wide)`}
        >
          Zoom to failed{failed > 0 ? ` (${failed})` : ''}
        </button>
        <button type="button" onClick={() => controller.collapseAll()} disabled={phase !== 'ready' || shown !== 'graph'}>
          Collapse all
        </button>
        <CopyButton text={() => window.location.href} label="Copy link" />
        {/* The desktop app's link (flowscope://flow/<queue>/<jobId>, with the saved connection): opens this flow in the app. */}
        <CopyButton text={() => shareableDeepLink(queue, jobId, connectionId)} label="Copy app link" />
        <button
          type="button"
          onClick={() => window.open(window.location.href, '_blank', 'noopener')}
          title="This flow in another window (the desktop app) or tab (a browser), beside this one"
        >
          Open in new window
        </button>
        <ExportButton queue={queue} jobId={jobId} disabled={phase !== 'ready'} />
        <WatchButton />
        {noFailures && <span className="muted">No failed jobs in view.</span>}
      </div>
    </div>
  );
}
