// The confirmation of one action: it asks the core for a preview (a dry run returns exactly
// what the real run would do), shows which jobs will change and which are skipped and why,
// lets the person set the retry options (each change asks for a new preview), runs the action
// on confirm and then shows what changed. The graph behind it updates by itself from the
// live patches the action causes; nothing here reloads it.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApp } from '../../store/use-app';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { Modal } from '../dialog/Modal';
import { useJob } from '../flow-view/use-flow';
import { callAction, DEFAULT_OPTIONS, type ActionAnswer, type ActionOptions } from './action-calls';
import { ACTION_WORDS, READ_ONLY_REASON, type ActionKind } from './action-kinds';
import { summarise } from './action-summary';
import { ActionSummaryView } from './ActionSummaryView';

type Phase = 'previewing' | 'preview' | 'running' | 'done';

function Options({ kind, options, onChange, disabled }: { kind: ActionKind; options: ActionOptions; onChange(o: ActionOptions): void; disabled: boolean }) {
  if (kind !== 'retryFailedChildren' && kind !== 'retryJob') return null;
  return (
    <fieldset className="action-options" disabled={disabled}>
      <legend className="muted">Options</legend>
      <label>
        <input type="checkbox" checked={options.keepAttempts} onChange={(e) => onChange({ ...options, keepAttempts: e.target.checked })} /> Keep
        attempts
        <span className="muted"> — count the attempts already made, instead of giving each job all its attempts again</span>
      </label>
      {kind === 'retryFailedChildren' && (
        <label>
          <input
            type="checkbox"
            checked={options.includeSuperseded}
            onChange={(e) => onChange({ ...options, includeSuperseded: e.target.checked })}
          />{' '}
          Include superseded
          <span className="muted"> — also retry old failures the parent already replaced with a newer child (that work would be paid twice)</span>
        </label>
      )}
    </fieldset>
  );
}

export function ActionDialog({ kind, jobKey, onClose }: { kind: ActionKind; jobKey: string; onClose(): void }) {
  const client = useClient();
  const queries = useQueryClient();
  const readOnly = useApp((s) => s.status?.readOnly ?? false);
  const job = useJob(jobKey);
  const words = ACTION_WORDS[kind];
  const [options, setOptions] = useState<ActionOptions>(DEFAULT_OPTIONS);
  const [phase, setPhase] = useState<Phase>('previewing');
  const [preview, setPreview] = useState<ActionAnswer | null>(null);
  const [result, setResult] = useState<ActionAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    setPhase('previewing');
    setError(null);
    callAction(client, kind, jobKey, true, options)
      .then((answer) => {
        if (stale) return;
        setPreview(answer);
        setPhase('preview');
      })
      .catch((err: unknown) => {
        if (stale) return;
        setPreview(null);
        setError(`Could not preview this action: ${errorInWords(err)}`);
        setPhase('preview');
      });
    return () => {
      stale = true;
    };
  }, [client, kind, jobKey, options]);

  const run = async () => {
    setPhase('running');
    setError(null);
    try {
      setResult(await callAction(client, kind, jobKey, false, options));
      setPhase('done');
    } catch (err) {
      // Nothing changed (the core refuses before writing); the preview stays on screen.
      setError(`${words.label} did not run: ${errorInWords(err)}`);
      setPhase('preview');
    }
    // The run (done, refused or failed) is in the audit log now: the flow's History reads it again.
    void queries.invalidateQueries({ queryKey: queryKeys.flowHistory });
  };

  const summary = phase === 'done' && result ? summarise(result, true) : preview ? summarise(preview, false) : null;
  const canConfirm = phase === 'preview' && preview !== null && summary !== null && summary.changes > 0 && !readOnly;

  return (
    <Modal
      title={phase === 'done' ? `${words.label}: done` : `${words.label}?`}
      onClose={onClose}
      canClose={phase !== 'running'}
      className="action-dialog"
      data={{ 'data-testid': 'action-dialog', 'data-kind': kind, 'data-phase': phase }}
    >
      <div className="modal-body">
        <p className="action-target">
          On {job?.name ? <b>{job.name}</b> : 'job'} <code>{jobKey}</code>
        </p>
        {phase !== 'done' && <p className="muted">{words.explains}</p>}
        {phase !== 'done' && <Options kind={kind} options={options} onChange={setOptions} disabled={phase !== 'preview'} />}
        {phase === 'previewing' && (
          <p role="status" className="muted">
            Working out what would change…
          </p>
        )}
        {summary && phase !== 'previewing' && <ActionSummaryView summary={summary} />}
        {error && (
          <div className="problem" role="alert" data-testid="action-error">
            {error}
          </div>
        )}
        {readOnly && phase !== 'done' && <p className="problem-inline">{READ_ONLY_REASON}</p>}
      </div>
      <footer className="modal-foot">
        {phase === 'done' ? (
          <button type="button" className="primary" onClick={onClose} autoFocus>
            Close
          </button>
        ) : (
          <>
            <button type="button" onClick={onClose} disabled={phase === 'running'}>
              Cancel
            </button>
            <button
              type="button"
              className={kind === 'removeJob' || kind === 'removeUnprocessed' ? 'danger' : 'primary'}
              onClick={() => void run()}
              disabled={!canConfirm}
              title={readOnly ? READ_ONLY_REASON : summary?.changes === 0 ? 'Nothing would change' : undefined}
            >
              {phase === 'running' ? 'Working…' : words.confirm}
            </button>
          </>
        )}
      </footer>
    </Modal>
  );
}
