// The app frame: header with the connection badge, queue sidebar, and the main view.
import { ConnectionBadge, ConnectionProblem } from './features/connection/ConnectionBadge';
import { QueueSidebar } from './features/queues/QueueSidebar';
import { useApp } from './store/use-app';

export function App() {
  const info = useApp((s) => s.info);
  const error = useApp((s) => s.error);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Flowscope</h1>
        {info && <span className="muted">v{info.version} · {info.shell}</span>}
        <ConnectionBadge />
      </header>
      <ConnectionProblem />
      <div className="body">
        <QueueSidebar />
        <main className="main">
          {error && <div className="problem" role="alert">{error}</div>}
          <div className="empty-main">
            <p>Pick a queue to see its flows.</p>
          </div>
        </main>
      </div>
    </div>
  );
}
