// The one FlowscopeClient, for components that call the core themselves (flow list,
// inspector, flow views).
import { createContext, useContext } from 'react';
import type { FlowscopeClient } from '../../../shared/contract';

export const ClientContext = createContext<FlowscopeClient | null>(null);

export function useClient(): FlowscopeClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('ClientContext is missing');
  return client;
}
