// The inspector's reads of a job, through the query cache: the selected job's detail (getJob
// with its last log lines), read again when its live node changes (a flowPatch moved its state,
// attempts, times or bucket; debounced, so a burst of patches is one read), and a parent's
// counts per bucket when the parent is not in this view. A job read stays cached while the
// inspector is closed: opening it again shows the last answer at once and reads it again.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ChildCounts, FlowNode, JobDetail } from '../../../../shared/domain';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { useJob } from '../flow-view/use-flow';

const LOG_LINES = 200;
const SETTLE_MS = 120;

/** What of a live node a job's detail depends on. */
const versionOf = (node: FlowNode | undefined) =>
  node ? `${node.state}|${node.attemptsMade}|${node.processedOn}|${node.finishedOn}|${node.bucket}` : '';

export function useJobDetail(key: string, node: FlowNode | undefined): { detail: JobDetail | null; error: string | null } {
  const client = useClient();
  const queries = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.jobDetail(key, LOG_LINES), queryFn: () => client.call('getJob', { key, logLines: LOG_LINES }) });
  const version = versionOf(node);
  const seen = useRef(version);
  useEffect(() => {
    if (version === seen.current) return;
    seen.current = version;
    const timer = setTimeout(() => void queries.invalidateQueries({ queryKey: queryKeys.jobOf(key) }), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [queries, key, version]);
  return { detail: query.data ?? null, error: query.error ? errorInWords(query.error) : null };
}

/** The parent's counts per bucket: from the flow when it is in view, else read. */
export function useParentCounts(parentKey: string | null): ChildCounts | null {
  const client = useClient();
  const inView = useJob(parentKey)?.childCounts ?? null;
  const read = useQuery({
    queryKey: queryKeys.jobDetail(parentKey ?? '', 0),
    queryFn: () => client.call('getJob', { key: parentKey!, logLines: 0 }),
    enabled: parentKey !== null && inView === null,
    select: (detail) => detail.node.childCounts,
  });
  return inView ?? read.data ?? null;
}
