// The connection picker (docs/SPEC.md §3, §9): every connection Flowscope can use — the sandbox first,
// the one given at start, then saved ones — with Use, Test, Edit and Remove, and a form to add
// one. Switching ends the old connection's flow views; the app reloads its queues and flows
// by itself from the new connection's status.
import { useState } from 'react';
import type { ConnectionTest, SavedConnection } from '../../../../shared/domain';
import { useApp } from '../../store/use-app';
import { useClient } from '../../transport/client-context';
import { Modal } from '../dialog/Modal';
import { ConnectionForm, TestMessage } from './ConnectionForm';
import { useConnections, type Connections } from './use-connections';
import { LoadState } from '../../components/LoadState';

type Editing = { mode: 'closed' } | { mode: 'add' } | { mode: 'edit'; connection: SavedConnection };

function ConnectionRow({
  connection,
  active,
  connections,
  onEdit,
  onUsed,
}: {
  connection: SavedConnection;
  active: boolean;
  connections: Connections;
  onEdit(): void;
  onUsed(): void;
}) {
  const [test, setTest] = useState<ConnectionTest | 'testing' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  /** Scenarios running now, which the switch would stop: asked before switching. */
  const [stopping, setStopping] = useState<string[] | null>(null);
  const client = useClient();
  const fixed = connection.kind === 'sandbox' || connection.id === 'startup';

  const use = async (confirmed = false) => {
    setBusy(true);
    setProblem(null);
    if (!confirmed) {
      const running = await client.call('listScenarioRuns', {}).catch(() => []);
      if (running.length > 0) {
        setBusy(false);
        setStopping(running.map((r) => r.name));
        return;
      }
    }
    setStopping(null);
    const outcome = await connections.use(connection.id);
    setBusy(false);
    if (!outcome.ok) setProblem(`Could not switch: ${outcome.message}`);
    else if (outcome.value.state === 'error') setProblem(`Could not connect: ${outcome.value.message ?? 'Redis did not answer'}`);
    else onUsed();
  };
  const remove = async () => {
    setConfirming(false);
    const outcome = await connections.remove(connection.id);
    if (!outcome.ok) setProblem(`Could not remove: ${outcome.message}`);
  };

  return (
    <li className={`connection-row${active ? ' active' : ''}`} data-testid="connection-row" data-connection-id={connection.id} data-active={active}>
      <div className="connection-row-main">
        <div className="connection-row-name">
          <b>{connection.name}</b>
          {active && <span className="badge badge-connected">in use</span>}
          {connection.readOnly && <span className="badge badge-readonly">read-only</span>}
        </div>
        <div className="connection-row-where muted">
          <code>{connection.url}</code> · prefix <code>{connection.prefix}</code>
          {connection.hasPassword && ' · password saved'}
        </div>
        <TestMessage test={test} />
        {problem && (
          <p className="problem-inline" role="alert">
            {problem}
          </p>
        )}
        {stopping && (
          <p className="confirm-inline" data-testid="confirm-switch" role="alert">
            Switching stops the running {stopping.length === 1 ? 'scenario' : 'scenarios'} <b>{stopping.join(', ')}</b>: {stopping.length === 1 ? 'its' : 'their'} workers
            belong to this Redis. The flows stay in it, and when you switch back the scenarios panel offers to run{' '}
            {stopping.length === 1 ? 'it' : 'them'} again.{' '}
            <button type="button" className="danger" onClick={() => void use(true)}>
              Stop and switch
            </button>{' '}
            <button type="button" onClick={() => setStopping(null)}>
              Stay
            </button>
          </p>
        )}
        {confirming && (
          <p className="confirm-inline" data-testid="confirm-remove">
            Remove “{connection.name}”? Its saved password is forgotten too.{' '}
            <button type="button" className="danger" onClick={() => void remove()}>
              Yes, remove
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </p>
        )}
      </div>
      <div className="connection-row-buttons">
        <button type="button" className="primary" onClick={() => void use()} disabled={active || busy || stopping !== null} title={active ? 'This connection is in use' : undefined}>
          {busy ? 'Switching…' : 'Use'}
        </button>
        <button
          type="button"
          onClick={() => {
            setTest('testing');
            void connections.test({ id: connection.id }).then(setTest);
          }}
          disabled={test === 'testing'}
        >
          Test
        </button>
        {!fixed && (
          <>
            <button type="button" onClick={onEdit}>
              Edit
            </button>
            <button
              type="button"
              className="danger-outline"
              onClick={() => setConfirming(true)}
              disabled={active || confirming}
              title={active ? 'Switch to another connection before removing this one' : undefined}
            >
              Remove
            </button>
          </>
        )}
      </div>
    </li>
  );
}

function ConnectionPicker({ onClose }: { onClose(): void }) {
  const connections = useConnections();
  const status = useApp((s) => s.status);
  const [editing, setEditing] = useState<Editing>({ mode: 'closed' });
  const { list } = connections;
  const activeId = status?.connectionId ?? list?.activeId;
  return (
    <Modal title="Connections" onClose={onClose} className="connection-picker" data={{ 'data-testid': 'connection-picker' }}>
      <div className="modal-body">
        {list && !list.persisted && (
          <p className="notice-inline" data-testid="session-only">
            Saved connections are kept for this session only: this window does not store them on disk (the desktop app does, with passwords
            encrypted).
          </p>
        )}
        <LoadState what="the connections" error={connections.loadError} loaded={list !== null} />
        {list && (
          <ul className="connection-rows">
            {list.connections.map((c) => (
              <ConnectionRow
                key={c.id}
                connection={c}
                active={c.id === activeId}
                connections={connections}
                onEdit={() => setEditing({ mode: 'edit', connection: c })}
                onUsed={onClose}
              />
            ))}
          </ul>
        )}
        {editing.mode === 'closed' ? (
          <button type="button" onClick={() => setEditing({ mode: 'add' })}>
            + Add connection
          </button>
        ) : (
          <ConnectionForm
            key={editing.mode === 'edit' ? editing.connection.id : 'new'}
            connections={connections}
            editing={editing.mode === 'edit' ? editing.connection : null}
            onDone={() => setEditing({ mode: 'closed' })}
            onCancel={() => setEditing({ mode: 'closed' })}
          />
        )}
      </div>
    </Modal>
  );
}

/** The top bar's way into the picker. */
export function ConnectionPickerButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} data-testid="open-connections">
        Connections
      </button>
      {open && <ConnectionPicker onClose={() => setOpen(false)} />}
    </>
  );
}
