// The sidebar's list of watches (what this window or page watches, and what each came to), and
// the in-app toasts that stand in for notifications the browser or desktop will not show.
import { useEffect } from 'react';
import { useNavigationApi } from '../../navigation/use-navigation';
import { shortId } from '../../navigation/job-key';
import { useWatchApi, useWatches, useWatchList } from './use-watches';
import { watchLabel } from './watch-words';
import './watch.css';

const OUTCOME_BADGE = { completed: 'completed', failed: 'failed', stuck: 'stuck' } as const;

export function WatchList() {
  const api = useWatchApi();
  const navigation = useNavigationApi();
  const watches = useWatchList();
  const error = useWatches((s) => s.error);
  const permission = useWatches((s) => s.permission);
  useEffect(() => {
    api.onOpen((event) => {
      if (event.jobId) navigation.navigate({ view: 'flow', queue: event.queue, jobId: event.jobId });
    });
  }, [api, navigation]);
  return (
    <>
      {(watches.length > 0 || error) && (
        <section className="watch-section" aria-label="Watches" data-testid="watch-list">
          <h2>
            Watching <span className="muted">{watches.length}</span>
          </h2>
          {permission === 'denied' && watches.length > 0 && (
            <p className="muted watch-note">Notifications are blocked for this page: outcomes show here instead.</p>
          )}
          {error && (
            <p className="problem watch-error" role="alert">
              {error}
            </p>
          )}
          <ul className="watches">
            {watches.map((w) => (
              <li key={w.id} className="watch" data-testid="watch" data-kind={w.kind} data-outcome={w.outcome ?? 'running'}>
                {w.kind === 'flow' ? (
                  <button
                    type="button"
                    className="link watch-open"
                    title={`Open ${w.key}`}
                    onClick={() => navigation.navigate({ view: 'flow', queue: w.queue, jobId: w.jobId! })}
                  >
                    {w.name ?? shortId(w.jobId!)} <span className="muted">{w.queue}</span>
                  </button>
                ) : (
                  <span className="watch-open">{watchLabel(w)}</span>
                )}
                {w.outcome ? (
                  <span className={`badge watch-outcome outcome-${w.outcome}`}>{OUTCOME_BADGE[w.outcome]}</span>
                ) : (
                  <span className="muted watch-running">{w.kind === 'flow' ? 'running' : 'watching'}</span>
                )}
                <button type="button" className="watch-remove" aria-label={`Stop watching ${watchLabel(w)}`} title="Stop watching" onClick={() => void api.unwatch(w.id)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <WatchToasts />
    </>
  );
}

/** Watch events that no notification could show (permission denied, no API). */
function WatchToasts() {
  const api = useWatchApi();
  const navigation = useNavigationApi();
  const toasts = useWatches((s) => s.toasts);
  if (toasts.length === 0) return null;
  return (
    <div className="watch-toasts" aria-live="polite" data-testid="watch-toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`watch-toast outcome-${t.event.outcome}`} role="status" data-testid="watch-toast">
          <div className="watch-toast-text">
            <strong>{t.title}</strong>
            <span>{t.body}</span>
          </div>
          {t.event.jobId && t.event.outcome !== 'ended' && (
            <button
              type="button"
              className="link"
              onClick={() => {
                navigation.navigate({ view: 'flow', queue: t.event.queue, jobId: t.event.jobId });
                api.dismiss(t.id);
              }}
            >
              Open
            </button>
          )}
          <button type="button" className="watch-remove" aria-label="Dismiss" onClick={() => api.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
