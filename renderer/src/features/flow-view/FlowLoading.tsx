// Shown while a flow's tree is read: the core answers in one call, so the bar cannot know the
// percentage; the running seconds tell the person it is still working on a big tree.
import { useEffect, useState } from 'react';
import { useFlow } from './use-flow';

export function FlowLoading() {
  const startedAt = useFlow((s) => s.loadStartedAt);
  const queue = useFlow((s) => s.queue);
  const jobId = useFlow((s) => s.jobId);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, (now - startedAt) / 1000);
  return (
    <div className="flow-loading" role="status" data-testid="flow-loading">
      <div className="progress" aria-hidden>
        <div className="progress-bar" />
      </div>
      <p>
        Reading the flow of <code>{queue}</code> / <code>{jobId}</code>…
        {seconds >= 0.5 && <span className="muted"> {seconds.toFixed(1)} s</span>}
      </p>
      {seconds >= 3 && <p className="muted">A big tree is read level by level; this can take a few seconds.</p>}
    </div>
  );
}
