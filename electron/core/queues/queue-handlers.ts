// Contract methods about queues.
import type { Handlers } from '../dispatch';
import type { CoreContext } from '../core-context';
import { discoverQueues } from './discover-queues';

export function queueHandlers(ctx: CoreContext): Pick<Handlers, 'listQueues'> {
  return {
    listQueues: () => discoverQueues(ctx.redis(), ctx.prefix),
  };
}
