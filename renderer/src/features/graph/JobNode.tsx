// One job on the canvas. It subscribes to its own job in the flow store, so a live state
// change re-renders this card and nothing else. The data-* attributes are the test and
// automation contract (docs/SPEC.md §9).
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type MouseEvent } from 'react';
import { BUCKETS } from '../../../../shared/domain';
import { shortId } from '../../navigation/job-key';
import { useFlow, useFlowController, useJob } from '../flow-view/use-flow';
import { plural } from '../../words/plural';
import { groupNodeId } from './tree-layout';
import { BLOCKING_EXPLAINED, BLOCKING_WORDS, BUCKET_WORDS, POLICY_LABEL, POLICY_WORDS, stateWordsOf } from './flow-words';

function JobNodeCard({ id }: NodeProps) {
  const job = useJob(id);
  const controller = useFlowController();
  const selected = useFlow((s) => s.selectedKey === id);
  const found = useFlow((s) => s.found?.key === id && s.found.status === 'shown');
  const collapsed = useFlow((s) => s.collapsed.has(id));
  const loadingChildren = useFlow((s) => BUCKETS.some((b) => s.pages.get(groupNodeId(id, b))?.loading));
  if (!job) return null;

  const children = BUCKETS.reduce((sum, b) => sum + job.childCounts[b], 0);
  const onToggle = (event: MouseEvent) => {
    event.stopPropagation();
    controller.toggle(id);
  };
  const classes = ['job-node', `state-${job.state}`, selected && 'selected', found && 'found', job.blocking && 'blocking', job.error && 'has-error'];

  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-testid="flow-node"
      data-job-key={job.key}
      data-state={job.state}
      data-bucket={job.bucket ?? ''}
      data-selected={selected ? 'true' : undefined}
      data-found={found ? 'true' : undefined}
      title={job.key}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      {found && (
        <span className="found-tag" title="The job the link or search asked for">
          found
        </span>
      )}
      <div className="job-node-head">
        <span className="job-node-name">{job.name ?? '(no name)'}</span>
        {job.policy && job.policy !== 'none' && (
          <span className={`policy-badge policy-${job.policy}`} title={POLICY_WORDS[job.policy]}>
            {POLICY_LABEL[job.policy]}
          </span>
        )}
      </div>
      <div className="job-node-sub">
        <span className="job-node-queue">{job.queue}</span> · <code>#{shortId(job.id)}</code>
      </div>
      <div className="job-node-badges">
        <span
          className={`state-pill state-${job.state}`}
          title={job.bucket === job.state ? `${stateWordsOf(job)}; in its parent's ${job.bucket} bucket: ${BUCKET_WORDS[job.bucket]}` : stateWordsOf(job)}
        >
          {job.state}
        </span>
        {/* A "failed" bucket beside a "failed" state says nothing more: the pill's title carries it. */}
        {job.bucket && job.bucket !== job.state && (
          <span className={`bucket-badge bucket-${job.bucket}`} title={`In its parent's ${job.bucket} bucket: ${BUCKET_WORDS[job.bucket]}`}>
            {job.bucket}
          </span>
        )}
        <span className="attempts" title="attempts made / allowed">
          {job.attemptsMade}/{job.attempts}
        </span>
      </div>
      {job.blocking ? (
        <div className="job-node-note blocking-note" title={BLOCKING_EXPLAINED}>
          {BLOCKING_WORDS}
        </div>
      ) : job.error ? (
        <div className="job-node-note error-note" title={job.error}>
          ⚠ {job.error}
        </div>
      ) : job.failedReason && job.state === 'failed' ? (
        <div className="job-node-note reason-note" title={job.failedReason}>
          {job.failedReason}
        </div>
      ) : null}
      {children > 0 && (
        <button
          type="button"
          className="job-node-toggle nodrag"
          onClick={onToggle}
          aria-label={collapsed ? `Expand ${plural(children, 'child')}` : 'Collapse children'}
          aria-expanded={!collapsed}
        >
          {loadingChildren ? 'loading…' : collapsed ? `▸ ${children.toLocaleString('en-US')}` : '▾'}
        </button>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

export const JobNode = memo(JobNodeCard);
