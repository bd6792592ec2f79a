// Adding or editing a saved connection: name, Redis URL (any form of shared/redis-url.ts, checked
// as it is typed), a CA file for TLS, a Sentinel password, prefix, read-only; "Test connection"
// tries what is typed before it is saved and says what it reached. A password typed into the URL is stored apart by the
// core and never comes back, so editing shows the URL without it and keeps the saved one
// unless a new one is typed.
import { useId, useState, type FormEvent } from 'react';
import type { ConnectionTest, SavedConnection } from '../../../../shared/domain';
import { parseRedisUrl, type RedisEndpoint } from '../../../../shared/redis-url';
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
      {test.warning && (
        <span className="test-warning" data-testid="connection-warning">
          <br />⚠ {test.warning}
        </span>
      )}
    </p>
  );
}

/** The URL read as the core will read it, or why it cannot be. */
function readUrl(url: string): { endpoint: RedisEndpoint } | { problem: string } {
  try {
    return { endpoint: parseRedisUrl(url) };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

export function ConnectionForm({ connections, editing, onDone, onCancel }: ConnectionFormProps) {
  const id = useId();
  const [name, setName] = useState(editing?.name ?? '');
  const [url, setUrl] = useState(editing?.url ?? 'redis://127.0.0.1:6379');
  const [prefix, setPrefix] = useState(editing?.prefix ?? 'bull');
  const [readOnly, setReadOnly] = useState(editing?.readOnly ?? false);
  const [tlsCaFile, setTlsCaFile] = useState(editing?.tlsCaFile ?? '');
  const [sentinelPassword, setSentinelPassword] = useState('');
  const read = readUrl(url.trim());
  const endpoint = 'endpoint' in read ? read.endpoint : null;
  const extras = {
    ...(endpoint?.tls && tlsCaFile.trim() ? { tlsCaFile: tlsCaFile.trim() } : {}),
    ...(endpoint?.topology === 'sentinel' && sentinelPassword ? { sentinelPassword } : {}),
  };
  const [test, setTest] = useState<ConnectionTest | 'testing' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const runTest = async () => {
    setTest('testing');
    // The saved password is only on the core's side: test the saved connection by id while
    // its URL is unchanged, or the test would run without the password.
    const bySaved =
      editing && (editing.hasPassword || editing.hasSentinelPassword) && url.trim() === editing.url && !sentinelPassword && tlsCaFile.trim() === (editing.tlsCaFile ?? '');
    setTest(await connections.test(bySaved ? { id: editing.id } : { url: url.trim(), ...extras, prefix: prefix.trim() || 'bull' }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setProblem(null);
    const outcome = await connections.save({
      ...(editing ? { id: editing.id } : {}),
      name: name.trim(),
      url: url.trim(),
      ...extras,
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
            aria-invalid={'problem' in read && url.trim() !== ''}
            aria-describedby={`${id}-url-hint`}
          />
          {'problem' in read && url.trim() !== '' && (
            <p className="field-problem" data-testid="url-problem">
              {read.problem}
            </p>
          )}
          <p className="hint muted" id={`${id}-url-hint`}>
            <code>redis://</code> or <code>rediss://</code> (TLS) for a server or any node of a cluster;{' '}
            <code>redis+cluster://h1:p1,h2:p2</code> for several cluster seeds; <code>redis+sentinel://h1:26379,h2:26379/master</code>{' '}
            for Sentinel. User, password and db if needed.{' '}
            {editing?.hasPassword
              ? 'A password is saved for this connection: it is kept unless you type a new one into the URL.'
              : 'A password in the URL is stored apart and never shown again.'}
          </p>
        </div>
        {endpoint?.tls && (
          <>
            <label htmlFor={`${id}-ca`}>TLS CA file</label>
            <div>
              <input id={`${id}-ca`} value={tlsCaFile} onChange={(e) => setTlsCaFile(e.target.value)} placeholder="/path/to/ca.pem" spellCheck={false} className="wide" />
              <p className="hint muted">Only for a server whose certificate your system does not trust (a self-signed CA): a PEM file on this machine.</p>
            </div>
          </>
        )}
        {endpoint?.topology === 'sentinel' && (
          <>
            <label htmlFor={`${id}-sentinel-password`}>Sentinel password</label>
            <div>
              <input
                id={`${id}-sentinel-password`}
                type="password"
                value={sentinelPassword}
                onChange={(e) => setSentinelPassword(e.target.value)}
                autoComplete="off"
                placeholder={editing?.hasSentinelPassword ? 'saved: type to replace' : 'when the Sentinels have their own'}
              />
              <p className="hint muted">Stored apart like the Redis password and never shown again.</p>
            </div>
          </>
        )}
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
        <button type="button" onClick={() => void runTest()} disabled={test === 'testing' || endpoint === null}>
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
