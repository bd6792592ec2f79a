// Adding or editing a saved connection: name, Redis URL, prefix, read-only; "Test connection"
// tries what is typed before it is saved. A password typed into the URL is stored apart by the
// core and never comes back, so editing shows the URL without it and keeps the saved one
// unless a new one is typed.
import { useId, useState, type FormEvent } from 'react';
import type { ConnectionTest, SavedConnection } from '../../../../shared/domain';
import type { Connections } from './use-connections';

export interface ConnectionFormProps {
  connections: Connections;
  /** The connection being edited; null adds a new one. */
  editing: SavedConnection | null;
  onDone(saved: SavedConnection): void;
  onCancel(): void;
}

export function TestMessage({ test }: { test: ConnectionTest | 'testing' | null }) {
  if (test === null) return null;
  if (test === 'testing') {
    return (
      <p className="muted" role="status" data-testid="connection-test" data-ok="">
        Testing…
      </p>
    );
  }
  return (
    <p className={test.ok ? 'test-ok' : 'test-bad'} role="status" data-testid="connection-test" data-ok={String(test.ok)}>
      {test.ok ? '✓ ' : '✗ '}
      {test.message}
    </p>
  );
}

export function ConnectionForm({ connections, editing, onDone, onCancel }: ConnectionFormProps) {
  const id = useId();
  const [name, setName] = useState(editing?.name ?? '');
  const [url, setUrl] = useState(editing?.url ?? 'redis://127.0.0.1:6379');
  const [prefix, setPrefix] = useState(editing?.prefix ?? 'bull');
  const [readOnly, setReadOnly] = useState(editing?.readOnly ?? false);
  const [test, setTest] = useState<ConnectionTest | 'testing' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const runTest = async () => {
    setTest('testing');
    // The saved password is only on the core's side: test the saved connection by id while
    // its URL is unchanged, or the test would run without the password.
    const bySaved = editing?.hasPassword && url.trim() === editing.url;
    setTest(await connections.test(bySaved ? { id: editing.id } : { url: url.trim(), prefix: prefix.trim() || 'bull' }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setProblem(null);
    const outcome = await connections.save({
      ...(editing ? { id: editing.id } : {}),
      name: name.trim(),
      url: url.trim(),
      prefix: prefix.trim() || 'bull',
      readOnly,
    });
    setSaving(false);
    if (outcome.ok) onDone(outcome.value);
    else setProblem(`Could not save: ${outcome.message}`);
  };

  return (
    <form className="connection-form" onSubmit={(e) => void submit(e)} data-testid="connection-form" aria-label={editing ? `Edit ${editing.name}` : 'Add a connection'}>
      <h3>{editing ? `Edit ${editing.name}` : 'Add a connection'}</h3>
      <div className="form-grid">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} placeholder="Staging" required maxLength={100} />
        <label htmlFor={`${id}-url`}>Redis URL</label>
        <div>
          <input
            id={`${id}-url`}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="redis://user:password@host:6379/0"
            required
            spellCheck={false}
            className="wide"
          />
          <p className="hint muted">
            redis:// or rediss:// (TLS), with user, password and db if needed.{' '}
            {editing?.hasPassword
              ? 'A password is saved for this connection: it is kept unless you type a new one into the URL.'
              : 'A password in the URL is stored apart and never shown again.'}
          </p>
        </div>
        <label htmlFor={`${id}-prefix`}>Prefix</label>
        <input id={`${id}-prefix`} value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="bull" spellCheck={false} />
        <span />
        <label className="check">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> Read-only
          <span className="muted"> — look, never change: every action is disabled on this connection</span>
        </label>
      </div>
      <TestMessage test={test} />
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      <div className="form-buttons">
        <button type="button" onClick={() => void runTest()} disabled={test === 'testing' || url.trim() === ''}>
          Test connection
        </button>
        <span className="spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
