// What every colour, line and badge on the canvas means. Built from the same words the nodes
// use (flow-words.ts), so the legend cannot drift from what it explains.
import type { ReactNode } from 'react';
import { BUCKETS, POLICIES, type NodeState } from '../../../../shared/domain';
import { BLOCKING_EXPLAINED, BLOCKING_WORDS, BUCKET_WORDS, POLICY_WORDS, STATE_WORDS } from './flow-words';

const STATES: NodeState[] = ['completed', 'failed', 'active', 'waiting', 'prioritized', 'delayed', 'waiting-children', 'missing'];

function Entry({ mark, children }: { mark: ReactNode; children: ReactNode }) {
  return (
    <li>
      <span className="legend-mark">{mark}</span>
      <span className="muted">{children}</span>
    </li>
  );
}

export function Legend() {
  return (
    <details className="legend" data-testid="legend">
      <summary>Legend</summary>
      <div className="legend-body">
        <h4>Job state (the card’s colour)</h4>
        <ul>
          {STATES.map((state) => (
            <Entry
              key={state}
              mark={
                <>
                  <span className={`legend-swatch state-${state}`} aria-hidden /> <b>{state}</b>
                </>
              }
            >
              {STATE_WORDS[state]}
            </Entry>
          ))}
          <Entry
            mark={
              <>
                <span className="legend-swatch state-blocking" aria-hidden /> <b className="blocking-note">{BLOCKING_WORDS}</b>
              </>
            }
          >
            {BLOCKING_EXPLAINED}
          </Entry>
        </ul>
        <h4>Bucket (the badge, and the line from the parent)</h4>
        <ul>
          {BUCKETS.map((bucket) => (
            <Entry
              key={bucket}
              mark={
                <>
                  <svg className="legend-line" width="30" height="10" aria-hidden>
                    <line x1="1" y1="5" x2="29" y2="5" className={`bucket-edge-${bucket}`} />
                  </svg>{' '}
                  <span className={`bucket-badge bucket-${bucket}`}>{bucket}</span>
                </>
              }
            >
              {BUCKET_WORDS[bucket]}
            </Entry>
          ))}
        </ul>
        <h4>Failure policy (the badge by the name)</h4>
        <ul>
          {POLICIES.map((policy) => (
            <Entry key={policy} mark={policy === 'none' ? <i>no badge</i> : <span className={`policy-badge policy-${policy}`}>{policy}</span>}>
              {POLICY_WORDS[policy]}
            </Entry>
          ))}
        </ul>
        <h4>Other marks</h4>
        <ul>
          <Entry mark={<span className="attempts">1/3</span>}>attempts made / allowed</Entry>
          <Entry mark={<span className="legend-group">+4,812 processed</span>}>more children than shown; click it to load the next page</Entry>
          <Entry mark={<span className="legend-toggle">▸ 99</span>}>a collapsed parent and how many children it has; click to open</Entry>
          <Entry mark={<span className="legend-block">N children</span>}>a long run of siblings without children, packed into a grid</Entry>
        </ul>
      </div>
    </details>
  );
}
