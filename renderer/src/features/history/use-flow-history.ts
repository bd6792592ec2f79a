// The open flow's history: the audit entries that name any job it showed in this view (the
// jobs in view now, and those a repair removed since), read through the query cache. A repair
// run from the app invalidates it (ActionDialog), so the panel lists it right after.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { FlowHistory } from '../../../../shared/actions';
import { useClient } from '../../transport/client-context';
import { queryKeys } from '../../transport/query-cache';
import { useFlow, useFlowController } from '../flow-view/use-flow';

/** At most this many keys are asked about (the contract's bound). */
const MAX_KEYS = 10_000;

/** Every key the flow view has shown since it opened, root first. */
export function useSeenKeys(): () => string[] {
  const controller = useFlowController();
  const seen = useRef(new Set<string>());
  const rootKey = useFlow((s) => s.rootKey);
  useEffect(() => {
    seen.current = new Set(rootKey ? [rootKey] : []);
    let last: unknown = null;
    const add = () => {
      const jobs = controller.store.getState().jobsByKey;
      if (jobs === last) return; // Only a patch or a page brings new keys.
      last = jobs;
      for (const key of jobs.keys()) if (seen.current.size < MAX_KEYS) seen.current.add(key);
    };
    add();
    return controller.store.subscribe(add);
  }, [controller, rootKey]);
  return () => [...seen.current];
}

export function useFlowHistory(rootKey: string, keys: () => string[]) {
  const client = useClient();
  return useQuery<FlowHistory>({
    queryKey: queryKeys.flowHistoryOf(rootKey),
    queryFn: () => client.call('listFlowHistory', { keys: keys().slice(0, MAX_KEYS) }),
    enabled: rootKey !== '',
  });
}
