// One open flow: its toolbar, the graph (or the loading / error state in its place) and the
// inspector drawer, and the confirmation of the actions run on its jobs. The flow's store
// lives as long as this view shows it; the job the route selects (a search hit) is brought
// into view in it.
import { useEffect, useState } from 'react';
import { parseJobKey } from '../../../../shared/job-keys';
import { useApp } from '../../store/use-app';
import { useClient } from '../../transport/client-context';
import { ActionDialogHost } from '../actions/ActionDialogHost';
import { FlowCanvas } from '../graph/FlowCanvas';
import { JobInspector } from '../inspector/JobInspector';
import { useTreeKeys } from '../keyboard/use-tree-keys';
import { FlowLoading } from './FlowLoading';
import { FlowHistory } from '../history/FlowHistory';
import { useSeenKeys } from '../history/use-flow-history';
import { FlowTimeline } from '../timeline/FlowTimeline';
import { FlowToolbar, type FlowShown } from './FlowToolbar';
import { FlowContext, useFlow, useFlowController, useOpenFlow } from './use-flow';

function FoundNote() {
  const found = useFlow((s) => s.found);
  if (!found || found.status === 'shown') return null;
  return (
    // Over the canvas, not above it: a line that came and went would resize the canvas under
    // the move to the job (and the viewport would fit it again).
    <div className="notice-inline found-note" role="status" data-testid="found-note" data-status={found.status}>
      {found.status === 'looking' ? `Bringing ${found.key} into view…` : found.note}
    </div>
  );
}

function FlowBody() {
  const controller = useFlowController();
  const phase = useFlow((s) => s.phase);
  const loadError = useFlow((s) => s.loadError);
  const queue = useFlow((s) => s.queue);
  const jobId = useFlow((s) => s.jobId);
  const liveNote = useFlow((s) => s.liveNote);
  const empty = useFlow((s) => s.phase === 'ready' && !s.jobsByKey.has(s.rootKey));
  const [shown, setShown] = useState<FlowShown>('graph');
  const seenKeys = useSeenKeys();
  return (
    <>
      <FlowToolbar shown={shown} onShow={setShown} />
      {liveNote && (
        <div className="notice" role="status" data-testid="live-note">
          {liveNote}
        </div>
      )}
      <div className="flow-stage">
        <FoundNote />
        {phase === 'loading' && <FlowLoading />}
        {phase === 'error' && (
          <div className="problem" role="alert" data-testid="flow-error">
            <strong>
              Could not open job <code>{jobId}</code> of queue <code>{queue}</code>.
            </strong>
            <p>{loadError}</p>
            <p className="muted">
              Check the id, or pick a flow from the list on the left. This view tries again by itself when the queues change or
              Redis comes back.
            </p>
            <p>
              <button type="button" onClick={() => void controller.retry()}>
                Try again
              </button>
            </p>
          </div>
        )}
        {phase === 'ready' && empty && (
          <div className="empty-main" data-testid="flow-gone">
            <p>This job no longer exists in Redis (it was removed or its queue was cleaned). Pick another flow on the left.</p>
          </div>
        )}
        {phase === 'ready' && !empty && shown === 'graph' && <FlowCanvas />}
        {phase === 'ready' && !empty && shown === 'timeline' && <FlowTimeline />}
        {phase === 'ready' && shown === 'history' && <FlowHistory keys={seenKeys} />}
        <JobInspector />
      </div>
    </>
  );
}

export function FlowView({ queue, jobId, select }: { queue: string; jobId: string; select?: string }) {
  const client = useClient();
  const controller = useOpenFlow(client, queue, jobId);
  const prefix = useApp((s) => s.status?.prefix ?? null);
  useTreeKeys(controller);
  useEffect(() => {
    if (!controller || prefix === null) return;
    const parts = select ? parseJobKey(select, prefix) : null;
    void controller.reveal(select && parts ? { key: select, ...parts } : null);
  }, [controller, select, prefix]);
  if (!controller) return null;
  return (
    <section className="flow-view" data-testid="flow-view" data-queue={queue} data-job-id={jobId}>
      <FlowContext.Provider value={controller}>
        <ActionDialogHost>
          <FlowBody />
        </ActionDialogHost>
      </FlowContext.Provider>
    </section>
  );
}
