// Dry runs of the two repair actions on a parent, asked again whenever its live node changes
// (state or child counts), so the buttons are enabled exactly when the action would change
// something. Debounced: a parent whose children finish one by one is checked once they settle.
import { useEffect, useState } from 'react';
import type { FlowNode } from '../../../../shared/domain';
import { useClient } from '../../transport/client-context';
import { errorInWords } from '../../transport/error-words';
import { childTotal, NO_CHECKS, type RepairChecks } from './action-availability';

const SETTLE_MS = 150;

export function useRepairChecks(job: FlowNode | undefined, readOnly: boolean): RepairChecks {
  const client = useClient();
  const [answer, setAnswer] = useState<{ version: string; checks: RepairChecks } | null>(null);
  const wanted = job !== undefined && !readOnly && childTotal(job) > 0;
  const version = job ? `${job.key}|${job.state}|${JSON.stringify(job.childCounts)}|${job.attemptsMade}|${job.finishedOn}` : '';

  useEffect(() => {
    if (!wanted || !job) return;
    let stale = false;
    const key = job.key;
    const unprocessed = job.childCounts.unprocessed > 0;
    const timer = setTimeout(() => {
      const retry = client
        .call('retryFailedChildren', { parentKey: key, dryRun: true })
        .then((result) => ({ status: 'done' as const, result }))
        .catch((err: unknown) => ({ status: 'error' as const, message: errorInWords(err) }));
      const remove = unprocessed
        ? client
            .call('removeUnprocessed', { parentKey: key, dryRun: true })
            .then((result) => ({ status: 'done' as const, result }))
            .catch((err: unknown) => ({ status: 'error' as const, message: errorInWords(err) }))
        : Promise.resolve(null);
      void Promise.all([retry, remove]).then(([r, m]) => {
        if (!stale) setAnswer({ version, checks: { retry: r, remove: m } });
      });
    }, SETTLE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
    // `version` stands for the job's fields the checks depend on, so `job` itself is left out.
  }, [client, wanted, version]);

  if (!wanted) return NO_CHECKS;
  // An answer for an older version of the node still beats the counts alone; it is replaced
  // a moment later.
  return answer?.version.startsWith(`${job.key}|`) ? answer.checks : NO_CHECKS;
}
