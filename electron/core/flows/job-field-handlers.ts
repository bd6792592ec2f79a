// The contract method that reads on in a job field getJob answered cut (get-job.ts).
import type { Handlers } from '../dispatch';
import type { CoreContext } from '../core-context';
import { getJobField } from './get-job';

export function jobFieldHandlers(ctx: Pick<CoreContext, 'redis'>): Pick<Handlers, 'getJobField'> {
  return {
    getJobField: ({ key, field, offset, length }) => getJobField(ctx.redis(), key, field, offset, length),
  };
}
