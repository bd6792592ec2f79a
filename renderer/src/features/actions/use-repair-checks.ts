// Dry runs of the two repair actions on a parent, through the query cache, asked again whenever
// its live node changes (state or child counts: the node's version is in the query's key), so
// the buttons are enabled exactly when the action would change something. Settled first: a
// parent whose children finish one by one is checked once they settle. While a newer version
// is asked, the answer for the older one stays (it still beats the counts alone).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { FlowscopeClient } from '../../../../shared/contract';
import type { FlowNode } from '../../../../shared/domain';
import { useSettled } from '../../hooks/use-settled';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { queryKeys } from '../../transport/query-cache';
import { childTotal, NO_CHECKS, type Check, type RepairChecks } from './action-availability';

const SETTLE_MS = 150;

/** What of a parent its dry runs depend on; starts with its key. */
const versionOf = (job: FlowNode) => `${job.key}|${job.state}|${JSON.stringify(job.childCounts)}|${job.attemptsMade}|${job.finishedOn}`;

/** A dry run's answer as a check: its result, or what went wrong (a refusal is an answer too). */
function checked<T>(call: Promise<T>): Promise<Check<T>> {
  return call.then(
    (result) => ({ status: 'done' as const, result }),
    (err: unknown) => ({ status: 'error' as const, message: errorInWords(err) }),
  );
}

async function repairChecks(client: FlowscopeClient, parentKey: string, unprocessed: boolean): Promise<RepairChecks> {
  const [retry, remove] = await Promise.all([
    checked(client.call('retryFailedChildren', { parentKey, dryRun: true })),
    unprocessed ? checked(client.call('removeUnprocessed', { parentKey, dryRun: true })) : Promise.resolve(null),
  ]);
  return { retry, remove };
}

export function useRepairChecks(job: FlowNode | undefined, readOnly: boolean): RepairChecks {
  const client = useClient();
  const wanted = job !== undefined && !readOnly && childTotal(job) > 0;
  const settled = useSettled(job ? versionOf(job) : '', SETTLE_MS);
  // The settled version is of this job (not the one selected before it).
  const ready = wanted && settled.startsWith(`${job.key}|`);
  const query = useQuery({
    queryKey: queryKeys.repairChecks(job?.key ?? '', settled),
    queryFn: () => repairChecks(client, job!.key, job!.childCounts.unprocessed > 0),
    enabled: ready,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === job?.key ? keepPreviousData(previous) : undefined),
  });
  if (!wanted) return NO_CHECKS;
  return query.data ?? NO_CHECKS;
}
