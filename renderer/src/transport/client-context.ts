// The one FlowscopeClient, for components that call the core themselves (flow list,
// inspector, flow views).
import type { FlowscopeClient } from '../../../shared/contract';
import { requiredContext } from '../hooks/required-context';

export const [ClientContext, useClient] = requiredContext<FlowscopeClient>('ClientContext');
