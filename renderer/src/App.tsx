// The app frame: header with the connection badge and the connection picker; a sidebar with
// the queues and the flow list; the open flow (or what to do next) in the main area, with the
// scenarios panel docked under it. `/` jumps to the job-id search from anywhere.
import { useEffect } from 'react';
import { ConnectionBadge, ConnectionProblem } from './features/connection/ConnectionBadge';
import { ConnectionPickerButton } from './features/connection/ConnectionPicker';
import { FlowView } from './features/flow-view/FlowView';
import { FLOW_SEARCH_ID, FlowList } from './features/flows/FlowList';
import { isTyping } from './features/keyboard/use-tree-keys';
import { QueueSidebar } from './features/queues/QueueSidebar';
import { ScenarioDock } from './features/scenarios/ScenarioDock';
import { WatchList } from './features/watch/WatchList';
import { useNavigation } from './navigation/use-navigation';
import { useApp } from './store/use-app';
import { useAppInfo, useQueues, useQueuesQuery } from './store/server-data';
import { errorInWords } from './transport/error-words';

function useSearchKey() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const search = document.getElementById(FLOW_SEARCH_ID);
      if (event.key === '/' && !isTyping(event.target) && search) {
        event.preventDefault();
        search.focus();
      } else if (event.key === 'Escape' && event.target === search && search instanceof HTMLElement) {
        search.blur();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function Home() {
  const queues = useQueues();
  return (
    <div className="empty-main" data-testid="home">
      {queues && queues.length === 0 ? (
        <p>No queues yet. Add a flow with BullMQ&apos;s FlowProducer and it appears on the left.</p>
      ) : (
        <p>
          Pick a flow on the left to see its tree, or press <kbd>/</kbd> to find a job by its id, key or short id.
        </p>
      )}
    </div>
  );
}

export function App() {
  const info = useAppInfo();
  const statusError = useApp((s) => s.error);
  const queuesError = useQueuesQuery().error;
  const error = statusError ?? (queuesError ? errorInWords(queuesError) : null);
  const route = useNavigation((s) => s.route);
  useSearchKey();
  return (
    <div className="app">
      <header className="topbar">
        <h1>Flowscope</h1>
        {info && <span className="muted">v{info.version} · {info.shell}</span>}
        <ConnectionBadge />
        <ConnectionPickerButton />
      </header>
      <ConnectionProblem />
      <div className="body">
        <aside className="sidebar">
          <WatchList />
          <QueueSidebar />
          <FlowList />
        </aside>
        <main className="main">
          {error && <div className="problem" role="alert">{error}</div>}
          {route.view === 'flow' ? <FlowView key={`${route.queue}\u0000${route.jobId}`} queue={route.queue} jobId={route.jobId} select={route.select} /> : <Home />}
          <ScenarioDock />
        </main>
      </div>
    </div>
  );
}
