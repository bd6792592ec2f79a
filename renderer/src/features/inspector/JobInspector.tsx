// The drawer for the selected job: everything a person needs to understand it (data, options
// and policy in words, result, failure and stack, logs, times, attempts) and the way up to its
// parent and root. The card at the top comes from the live flow store; the rest is read with
// getJob through the query cache and read again when the job changes (use-job-detail.ts).
import type { ReactNode } from 'react';
import { BUCKETS, type FlowNode, type JobDetail } from '../../../../shared/domain';
import type { JobField } from '../../../../shared/answer-limits';
import { parseJobKey } from '../../../../shared/job-keys';
import { useNavigationApi } from '../../navigation/use-navigation';
import { useApp } from '../../store/use-app';
import { JobActions } from '../actions/JobActions';
import { useFlow, useFlowController, useJob } from '../flow-view/use-flow';
import { attemptsWordsOf, BLOCKING_EXPLAINED, BLOCKING_WORDS, BUCKET_WORDS, POLICY_WORDS, stateWordsOf } from '../graph/flow-words';
import { CopyButton } from './CopyButton';
import { CutField } from './CutField';
import { JsonView } from './JsonView';
import { duration, localTime } from './time-words';
import { useJobDetail, useParentCounts } from './use-job-detail';
import { plural } from '../../words/plural';

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="inspector-section" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Opens a job: selects it when it is in this view, else opens its own flow. */
function useOpenJob() {
  const controller = useFlowController();
  const navigation = useNavigationApi();
  const prefix = useApp((s) => s.status?.prefix ?? 'bull');
  return (key: string) => {
    if (controller.store.getState().jobsByKey.has(key)) {
      controller.select(key, { reveal: true });
      return;
    }
    const parts = parseJobKey(key, prefix);
    if (parts) navigation.navigate({ view: 'flow', queue: parts.queue, jobId: parts.id });
  };
}

function Times({ node }: { node: FlowNode }) {
  const rows: [string, string][] = [
    ['Created', localTime(node.timestamp)],
    ['Started', localTime(node.processedOn)],
    ['Finished', localTime(node.finishedOn)],
    ['Waited', node.processedOn && node.timestamp ? duration(node.processedOn - node.timestamp) : '—'],
    ['Ran', node.finishedOn && node.processedOn ? duration(node.finishedOn - node.processedOn) : '—'],
    ['Total', node.finishedOn && node.timestamp ? duration(node.finishedOn - node.timestamp) : '—'],
  ];
  if (node.delay > 0) rows.push(['Delay', duration(node.delay)]);
  if (node.priority > 0) rows.push(['Priority', String(node.priority)]);
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Relatives({ node, rootKey }: { node: FlowNode; rootKey: string | null }) {
  const open = useOpenJob();
  const counts = useParentCounts(node.parentKey);
  return (
    <Section title="In its flow" testId="inspector-relatives">
      {node.parentKey ? (
        <>
          <p>
            Parent:{' '}
            <button type="button" className="link" data-testid="open-parent" onClick={() => open(node.parentKey!)}>
              {node.parentKey}
            </button>
          </p>
          {node.bucket && (
            <p>
              The parent holds this job in its <span className={`bucket-badge bucket-${node.bucket}`}>{node.bucket}</span> bucket:{' '}
              {BUCKET_WORDS[node.bucket]}.
            </p>
          )}
          {counts && (
            <p className="bucket-counts" data-testid="parent-counts">
              Parent’s children:{' '}
              {BUCKETS.map((b) => (
                <span key={b} className={counts[b] === 0 ? 'zero' : ''}>
                  {b} <b>{counts[b].toLocaleString('en-US')}</b>
                </span>
              ))}
            </p>
          )}
        </>
      ) : (
        <p className="muted">No parent: this job is the root of its flow.</p>
      )}
      {rootKey && rootKey !== node.key && (
        <p>
          Root of the flow:{' '}
          <button type="button" className="link" data-testid="open-root" onClick={() => open(rootKey)}>
            {rootKey}
          </button>
        </p>
      )}
    </Section>
  );
}

function Detail({ node, detail }: { node: FlowNode; detail: JobDetail }) {
  const cutOf = (field: JobField) => detail.cut?.find((c) => c.field === field);
  const cut = { data: cutOf('data'), opts: cutOf('opts'), returnvalue: cutOf('returnvalue'), stacktrace: cutOf('stacktrace') };
  return (
    <>
      {(node.failedReason || detail.stacktrace.length > 0) && (
        <Section title="Failure" testId="inspector-failure">
          {node.failedReason && <p className="failed-reason">{node.failedReason}</p>}
          {cut.stacktrace ? (
            <CutField jobKey={node.key} cut={cut.stacktrace} start={detail.stacktrace[0] ?? null} />
          ) : (
            detail.stacktrace.map((stack, i) => <JsonView key={i} raw={stack} />)
          )}
        </Section>
      )}
      <Section title="Data" testId="inspector-data">
        {cut.data ? (
          <CutField jobKey={node.key} cut={cut.data} start={typeof detail.data === 'string' ? detail.data : null} />
        ) : (
          <>
            {detail.dataError && <p className="problem-inline">The data is not valid JSON ({detail.dataError}); shown as stored.</p>}
            {typeof detail.data === 'string' && detail.dataError ? <JsonView raw={detail.data} /> : <JsonView value={detail.data} />}
          </>
        )}
      </Section>
      <Section title="Return value" testId="inspector-return">
        {cut.returnvalue ? (
          <CutField jobKey={node.key} cut={cut.returnvalue} start={typeof detail.returnValue === 'string' ? detail.returnValue : null} />
        ) : detail.returnValue === null || detail.returnValue === undefined ? (
          <p className="muted">{node.state === 'completed' ? 'Returned nothing.' : 'No result yet.'}</p>
        ) : (
          <JsonView value={detail.returnValue} />
        )}
      </Section>
      <Section title="Options" testId="inspector-opts">
        {cut.opts ? (
          <CutField jobKey={node.key} cut={cut.opts} start={null} />
        ) : detail.opts ? (
          <JsonView value={detail.opts} />
        ) : (
          <p className="muted">No options stored.</p>
        )}
      </Section>
      <Section title="Logs" testId="inspector-logs">
        {detail.logs.total === 0 ? (
          <p className="muted">This job wrote no logs (job.log()).</p>
        ) : (
          <>
            <p className="muted">
              {detail.logs.lines.length < detail.logs.total
                ? `Last ${detail.logs.lines.length.toLocaleString('en-US')} of ${plural(detail.logs.total, 'line')}`
                : plural(detail.logs.total, 'line')}
            </p>
            <JsonView raw={detail.logs.lines.join('\n')} />
          </>
        )}
      </Section>
    </>
  );
}

function InspectorBody({ jobKey }: { jobKey: string }) {
  const controller = useFlowController();
  const node = useJob(jobKey);
  const { detail, error } = useJobDetail(jobKey, node);
  const shown = node ?? detail?.node;
  if (!shown) return null;
  const policy = shown.policy;
  return (
    <>
      <header className="inspector-head">
        <div>
          <h2>{shown.name ?? '(no name)'}</h2>
          <div className="inspector-key">
            <code>{shown.key}</code> <CopyButton text={shown.key} label="Copy key" />
          </div>
        </div>
        <button type="button" className="close" aria-label="Close details" onClick={() => controller.setInspectorOpen(false)}>
          ×
        </button>
      </header>
      <div className="inspector-summary">
        <span className={`state-pill state-${shown.state}`}>{shown.state}</span>{' '}
        <span className="muted" data-testid="inspector-state-words">
          {stateWordsOf(shown, detail?.stacktrace)}
        </span>
        <p data-testid="inspector-attempts">
          Attempts: <b>{shown.attemptsMade}</b> made, <b>{shown.attempts}</b> allowed
          {attemptsWordsOf(shown, detail?.stacktrace) && <span className="muted"> ({attemptsWordsOf(shown, detail?.stacktrace)})</span>}
        </p>
        {shown.blocking && (
          <p className="blocking-callout" role="note">
            <b>{BLOCKING_WORDS}</b>: {BLOCKING_EXPLAINED}
          </p>
        )}
        {shown.error && <p className="problem-inline">Problem with this job’s data: {shown.error}</p>}
        {policy && (
          <p data-testid="inspector-policy">
            Failure policy: <b>{policy === 'none' ? 'none' : policy}</b> — {POLICY_WORDS[policy]}
          </p>
        )}
        <JobActions job={shown} />
      </div>
      {error && (
        <p className="problem" role="alert">
          Could not read this job’s details: {error}
        </p>
      )}
      <Relatives node={shown} rootKey={detail?.rootKey ?? null} />
      <Section title="Times">
        <Times node={shown} />
      </Section>
      {detail ? <Detail node={shown} detail={detail} /> : !error && <p className="muted">Reading the job’s data…</p>}
    </>
  );
}

export function JobInspector() {
  const open = useFlow((s) => s.inspectorOpen);
  const key = useFlow((s) => s.selectedKey);
  if (!open || !key) return null;
  return (
    <aside className="inspector" aria-label="Job details" data-testid="inspector" data-job-key={key}>
      <InspectorBody key={key} jobKey={key} />
    </aside>
  );
}
