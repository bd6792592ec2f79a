// The flow list of the selected queue (or of every queue): filters for stuck parents, failed
// children, state and name, a search for one job from anything a ticket holds (focused with
// `/`; the core reads ids, keys, `queue:id`, `#id`, short ids, links; a pasted flowscope://
// link opens its flow, PastedLink.tsx), pages of 50 with "Load more".
// Each flow is a link to its deep-link route, so it can be opened in a new tab too; a search hit
// inside a flow links to that flow's root with the hit selected. A search that finds nothing
// says what it looked for and where.
import { useEffect, useState, type MouseEvent } from 'react';
import { BUCKETS, type FlowSummary } from '../../../../shared/domain';
import { searchMissWords } from '../../../../shared/search-words';
import { formatRoute, type Route } from '../../navigation/route';
import { useNavigation, useNavigationApi } from '../../navigation/use-navigation';
import { useApp } from '../../store/use-app';
import { useSettled } from '../../hooks/use-settled';
import { shortId } from '../../navigation/job-key';
import { timeAgo } from '../inspector/time-words';
import { hasFilters, NO_FILTERS, STATE_FILTERS, type FlowFilters } from './flow-query';
import { useFlowList } from './use-flow-list';
import { PastedLink } from './PastedLink';

export const FLOW_SEARCH_ID = 'flow-search';

// A test seam: exported for test/unit/renderer-navigation.test.ts.
/** Where a row leads: its own flow, or for a search hit inside a flow, that flow's root with the hit selected. */
export function rowRoute(flow: FlowSummary): Route & { view: 'flow' } {
  return flow.root
    ? { view: 'flow', queue: flow.root.queue, jobId: flow.root.id, select: flow.key }
    : { view: 'flow', queue: flow.queue, jobId: flow.id };
}

// A test seam: exported for test/unit/renderer-navigation.test.ts.
/** True when the open route shows this row: its flow, or (for a hit inside a flow) that flow with the hit selected. */
export function isCurrentRow(flow: FlowSummary, route: Route): boolean {
  if (route.view !== 'flow') return false;
  if (flow.root) return route.select === flow.key;
  return route.queue === flow.queue && route.jobId === flow.id;
}

// A test seam: exported for test/unit/renderer-words.test.ts.
/** Where a job that is not a root sits: in which flow, as a parent or as a leaf. */
export function whereInFlow(flow: Pick<FlowSummary, 'root' | 'childCounts'>): string {
  const children = BUCKETS.reduce((sum, b) => sum + flow.childCounts[b], 0);
  const role = children > 0 ? 'a parent' : 'a child';
  return flow.root ? `${role} in the flow of ${flow.root.queue} #${shortId(flow.root.id)}` : `${role} inside a bigger flow`;
}

function FlowRow({ flow, current }: { flow: FlowSummary; current: boolean }) {
  const navigation = useNavigationApi();
  const route = rowRoute(flow);
  // A plain click navigates inside the app (the list keeps its scope); a modified click opens a tab.
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigation.navigate(route);
  };
  return (
    <li>
      <a
        href={formatRoute(route)}
        onClick={onClick}
        className={`flow-item${current ? ' current' : ''}`}
        data-testid="flow-item"
        data-job-key={flow.key}
        data-state={flow.state}
        data-root-key={flow.root?.key}
        aria-current={current ? 'page' : undefined}
      >
        <span className="flow-item-head">
          <span className={`state-dot state-${flow.state}`} aria-hidden />
          <span className="flow-item-name">{flow.name ?? '(no name)'}</span>
          <span className="muted flow-item-time">{timeAgo(flow.timestamp)}</span>
        </span>
        <span className="flow-item-sub muted">
          {flow.queue} · #{shortId(flow.id)} · {flow.state}
          {!flow.isRoot && <span className="flow-item-where">{whereInFlow(flow)}</span>}
        </span>
        <span className="flow-item-counts">
          {BUCKETS.map((b) => (
            <span key={b} className={`count bucket-count-${b}${flow.childCounts[b] === 0 ? ' zero' : ''}`} title={`${b} children`}>
              {b} <b>{flow.childCounts[b].toLocaleString('en-US')}</b>
            </span>
          ))}
        </span>
        {flow.blockingFailures > 0 && (
          <span className="flow-item-stuck">
            {flow.blockingFailures.toLocaleString('en-US')} failed — blocking (stuck)
          </span>
        )}
      </a>
    </li>
  );
}

export function FlowList() {
  const queue = useNavigation((s) => s.selectedQueue);
  const route = useNavigation((s) => s.route);
  const listReset = useNavigation((s) => s.listReset);
  const navigation = useNavigationApi();
  const connected = useApp((s) => s.status?.state === 'connected');
  const connectionId = useApp((s) => s.status?.connectionId ?? null);
  const [filters, setFilters] = useState<FlowFilters>(NO_FILTERS);
  const settled = useSettled(filters, 250);
  const list = useFlowList(queue, settled, connectionId);
  const set = (patch: Partial<FlowFilters>) => setFilters((f) => ({ ...f, ...patch }));
  // A flow opened from outside (a link, back/forward) starts the list afresh: no stale search.
  useEffect(() => {
    if (listReset > 0) setFilters(NO_FILTERS);
  }, [listReset]);
  const searching = settled.search.trim() !== '';
  const miss = searching && list.flows?.length === 0 && list.search ? list.search : null;

  return (
    <section className="flow-list" aria-label="Flows">
      <h2>
        Flows <span className="muted">{queue ? `in ${queue}` : 'in every queue'}</span>
      </h2>
      <div className="flow-filters">
        <input
          id={FLOW_SEARCH_ID}
          type="search"
          placeholder="Job id, key or short id  ( / )"
          aria-label="Search by job id, key or short id"
          title="A job id in any case, a full key (bull:queue:id), queue:id, #id, the first 6+ characters of an id, or a flowscope:// link"
          value={filters.search}
          onChange={(e) => set({ search: e.target.value })}
        />
        <input type="search" placeholder="Name" aria-label="Filter by name" value={filters.name} onChange={(e) => set({ name: e.target.value })} />
        <select aria-label="Filter by state" value={filters.state} onChange={(e) => set({ state: e.target.value as FlowFilters['state'] })}>
          {STATE_FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <PastedLink search={filters.search} />
      {list.error && (
        <div className="problem" role="alert" data-testid="flow-list-error">
          Could not list flows: {list.error}
          <p>
            <button type="button" onClick={list.reload}>
              Try again
            </button>
          </p>
        </div>
      )}
      {list.flows === null && (list.loading || !connected) && <p className="muted">{connected ? 'Loading flows…' : 'Waiting for Redis…'}</p>}
      {miss && (
        <div className="empty" data-testid="no-flows" role="status">
          <p>{searchMissWords(miss)}</p>
          <p className="no-match-actions">
            {queue && miss.unknownQueues.length === 0 && miss.queues.length === 1 && miss.queues[0] === queue && (
              <button type="button" className="link" onClick={() => navigation.selectQueue(null)}>
                Search every queue
              </button>
            )}
            <button type="button" className="link" onClick={() => set({ search: '' })}>
              Clear the search
            </button>
          </p>
        </div>
      )}
      {list.flows?.length === 0 && !miss && (
        <p className="empty" data-testid="no-flows">
          {hasFilters(settled)
            ? 'No flow matches these filters. Clear them to see every flow.'
            : `No flows ${queue ? `in ${queue}` : 'yet'}. A flow is a job with children, added with BullMQ's FlowProducer.`}
        </p>
      )}
      {list.flows && list.flows.length > 0 && (
        <ul className="flows" data-testid="flows">
          {list.flows.map((flow) => (
            <FlowRow key={flow.key} flow={flow} current={isCurrentRow(flow, route)} />
          ))}
        </ul>
      )}
      {list.nextCursor && (
        <button type="button" className="load-more" onClick={() => void list.loadMore()} disabled={list.loading}>
          {list.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
