// Contract methods of the repair actions. Previews (dryRun) change nothing and are allowed on
// read-only connections; real runs are refused there, and every real run (ok, refused or
// failed) is appended to the audit log.
import { join } from 'node:path';
import { FlowscopeError } from '../../../shared/errors';
import type { CoreContext } from '../core-context';
import type { Handlers } from '../dispatch';
import { appendAudit, readAudit } from '../audit/audit-log';
import { assertRemovableParent } from './bad-data-guard';
import {
  previewRemoveJob,
  previewRemoveUnprocessed,
  previewRetryFailedChildren,
  previewRetryJob,
  promoteJob,
  removeJob,
  removeUnprocessed,
  retryFailedChildren,
  retryJob,
} from './index';

type ActionMethods = 'retryFailedChildren' | 'removeUnprocessed' | 'retryJob' | 'removeJob' | 'promoteJob' | 'listAudit';

export function actionHandlers(ctx: CoreContext, dataDir: string): Pick<Handlers, ActionMethods> {
  const auditFile = join(dataDir, 'audit.jsonl');

  /** Runs one action for real: read-only refused, the outcome audited either way. */
  async function audited<T>(action: string, target: string, changed: (result: T) => string[], run: () => Promise<T>): Promise<T> {
    const connection = ctx.connectionLabel();
    if (ctx.readOnly) {
      const error = new FlowscopeError('READ_ONLY', 'This connection is read-only: actions are disabled');
      await appendAudit(auditFile, { connection, action, parent: target, changed: [], outcome: 'refused', message: error.message });
      throw error;
    }
    try {
      const result = await run();
      await appendAudit(auditFile, { connection, action, parent: target, changed: changed(result), outcome: 'ok' });
      return result;
    } catch (err) {
      const refused = err instanceof FlowscopeError && (err.code === 'REFUSED' || err.code === 'READ_ONLY');
      await appendAudit(auditFile, { connection, action, parent: target, changed: [], outcome: refused ? 'refused' : 'error', message: (err as Error).message });
      throw err;
    }
  }

  return {
    retryFailedChildren: ({ parentKey, dryRun, ...opts }) =>
      dryRun
        ? previewRetryFailedChildren(ctx.redis(), ctx.prefix, parentKey, opts)
        : audited('retry-failed-children', parentKey, (r) => [...r.reopened, ...r.retried], () =>
            retryFailedChildren(ctx.redis(), ctx.prefix, parentKey, opts),
          ),
    removeUnprocessed: async ({ parentKey, dryRun }) => {
      // Bad data is refused before anything is written (bad-data-guard.ts).
      if (dryRun) {
        await assertRemovableParent(ctx.redis(), parentKey);
        return previewRemoveUnprocessed(ctx.redis(), ctx.prefix, parentKey);
      }
      return audited('remove-unprocessed', parentKey, (r) => r.removed, async () => {
        await assertRemovableParent(ctx.redis(), parentKey);
        return removeUnprocessed(ctx.redis(), ctx.prefix, parentKey);
      });
    },
    retryJob: ({ key, dryRun, ...opts }) =>
      dryRun
        ? previewRetryJob(ctx.redis(), ctx.prefix, key, opts)
        : audited('retry-job', key, (r) => [...r.reopened, ...r.retried], () => retryJob(ctx.redis(), ctx.prefix, key, opts)),
    removeJob: ({ key, dryRun }) =>
      dryRun
        ? previewRemoveJob(ctx.redis(), ctx.prefix, key)
        : audited('remove-job', key, (r) => r.removed, () => removeJob(ctx.redis(), ctx.prefix, key)),
    promoteJob: ({ key }) => audited('promote-job', key, (r) => [r.promoted], () => promoteJob(ctx.redis(), ctx.prefix, key)),
    listAudit: ({ limit }) => readAudit(auditFile, { limit }),
  };
}
