// React access to the open flow's store. Components select the smallest thing they need
// (one job, one flag), so a live change re-renders only the node it concerns.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { FlowscopeClient } from '../../../../shared/contract';
import type { FlowNode } from '../../../../shared/domain';
import { requiredContext } from '../../hooks/required-context';
import { createFlowController, type FlowController, type FlowViewState } from './flow-store';

export const [FlowContext, useFlowController] = requiredContext<FlowController>('FlowContext');

export function useFlow<T>(selector: (state: FlowViewState) => T): T {
  return useStore(useFlowController().store, selector);
}

export function useJob(key: string | null | undefined): FlowNode | undefined {
  return useFlow((s) => (key ? s.jobsByKey.get(key) : undefined));
}

/** Opens a flow for as long as the calling component shows it (subscribe, then unsubscribe). */
export function useOpenFlow(client: FlowscopeClient, queue: string, jobId: string): FlowController | null {
  const [controller, setController] = useState<FlowController | null>(null);
  useEffect(() => {
    const opened = createFlowController(client, { queue, jobId });
    setController(opened);
    void opened.open();
    return () => opened.close();
  }, [client, queue, jobId]);
  const { queue: q, jobId: id } = controller?.store.getState() ?? {};
  return q === queue && id === jobId ? controller : null;
}
