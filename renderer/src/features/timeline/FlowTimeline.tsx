// The flow as a waterfall (the Gantt view of CI systems): every job in view on one time axis,
// from the same store as the graph, so it moves live. Where did the time go: each row's wait
// and run; which child held the parent up: the critical path, highlighted and spelled out
// above the rows. A click on a row opens the job in the inspector, as on the graph.
import { useEffect, useMemo, useState } from 'react';
import { shortId } from '../../navigation/job-key';
import { plural } from '../../words/plural';
import { useFlow, useFlowController } from '../flow-view/use-flow';
import { duration } from '../inspector/time-words';
import { timelineLayout, type TimelineRow, type TimelineSegment } from './timeline-layout';
import './timeline.css';

const SEGMENT_WORDS: Record<TimelineSegment['kind'], string> = {
  delayed: 'delayed',
  waiting: 'waited',
  retrying: 'earlier attempts and backoff',
  running: 'ran',
};

/** The time now, moving every second while something in view has not finished. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

function Row({ row, selected, onPick }: { row: TimelineRow; selected: boolean; onPick(key: string): void }) {
  const n = row.node;
  const classes = ['timeline-row', row.critical && 'critical', row.holdsUp && 'holds-up', selected && 'selected'].filter(Boolean).join(' ');
  const running = row.segments.find((s) => s.kind === 'running');
  return (
    <li
      className={classes}
      data-testid="timeline-row"
      data-job-key={row.key}
      data-state={n.state}
      data-critical={row.critical}
      data-holds-up={row.holdsUp}
      data-attempts={n.attemptsMade}
    >
      <button type="button" className="timeline-label" style={{ paddingLeft: 6 + Math.min(row.depth, 8) * 12 }} onClick={() => onPick(row.key)} title={n.key}>
        <span className={`state-dot state-${n.state}`} aria-hidden />
        <span className="timeline-name">{n.name ?? '(no name)'}</span>
        <span className="muted timeline-where">
          {n.queue} #{shortId(n.id)}
        </span>
      </button>
      <div className="timeline-track" aria-hidden>
        {row.segments.map((s) => (
          <span
            key={s.kind}
            className={`tl-seg tl-${s.kind}${s.open ? ' open' : ''} state-${n.state}`}
            data-kind={s.kind}
            style={{ left: `${s.from * 100}%`, width: `${(s.to - s.from) * 100}%` }}
            title={`${s.kind === 'waiting' && row.hasChildren ? 'waited for its children' : SEGMENT_WORDS[s.kind]} ${duration(s.endMs - s.startMs)}${s.open ? ' so far' : ''}`}
          />
        ))}
        {n.attemptsMade > 1 && running && (
          <span className="tl-attempts" data-testid="timeline-attempts" style={{ left: `${running.from * 100}%` }} title={`${plural(n.attemptsMade, 'attempt')}: the bar is the last one`}>
            ×{n.attemptsMade}
          </span>
        )}
      </div>
      <span className="timeline-total" title="created to finished (or now)">
        {duration(row.totalMs)}
      </span>
    </li>
  );
}

export function FlowTimeline() {
  const controller = useFlowController();
  const jobsByKey = useFlow((s) => s.jobsByKey);
  const childKeys = useFlow((s) => s.childKeys);
  const rootKey = useFlow((s) => s.rootKey);
  const selectedKey = useFlow((s) => s.selectedKey);
  const unfinished = useMemo(() => [...jobsByKey.values()].some((n) => !n.finishedOn), [jobsByKey]);
  const now = useNow(unfinished);
  const layout = useMemo(() => timelineLayout({ rootKey, childKeys, jobsByKey }, now), [rootKey, childKeys, jobsByKey, now]);
  const pick = (key: string) => {
    controller.select(key);
    controller.setInspectorOpen(true);
  };
  const path = layout.criticalPath.map((k) => jobsByKey.get(k)).filter((n) => n !== undefined);
  return (
    <div className="timeline" data-testid="timeline" data-rows={layout.rows.length}>
      <div className="timeline-head">
        <p className="timeline-path" data-testid="critical-path">
          <b>Critical path</b> <span className="muted">(the child that finished last, under each parent):</span>{' '}
          {path.map((n, i) => (
            <span key={n.key}>
              {i > 0 && ' › '}
              <button type="button" className="link" onClick={() => pick(n.key)}>
                {n.name ?? n.key}
              </button>
            </span>
          ))}
          <span className="muted"> · {duration(layout.endMs - layout.startMs)} from the first job created to {unfinished ? 'now' : 'the last finish'}</span>
        </p>
        <p className="timeline-legend muted">
          <span className="tl-key tl-delayed" /> delayed <span className="tl-key tl-waiting" /> waiting (a parent: for its children) <span className="tl-key tl-retrying" /> earlier attempts and backoff{' '}
          <span className="tl-key tl-running" /> running (in its state&apos;s colour) <span className="tl-key tl-critical" /> critical path
        </p>
        {layout.rows.length < layout.total && (
          <p className="notice-inline">
            Showing {layout.rows.length.toLocaleString('en-US')} of {plural(layout.total, 'job')} in view (tree order; the critical path always).
          </p>
        )}
      </div>
      <div className="timeline-scroll">
        <div className="timeline-axis" aria-hidden>
          <span />
          <div className="timeline-ticks">
            {layout.ticks.map((t, i) => (
              <span key={i} className={`tl-tick${i === 0 ? ' first' : ''}${t.at > 0.92 ? ' last' : ''}`} style={{ left: `${t.at * 100}%` }}>
                {t.label}
              </span>
            ))}
          </div>
          <span />
        </div>
        <ol className="timeline-rows" aria-label="Jobs on a time axis">
          {layout.rows.map((row) => (
            <Row key={row.key} row={row} selected={row.key === selectedKey} onPick={pick} />
          ))}
        </ol>
      </div>
    </div>
  );
}
