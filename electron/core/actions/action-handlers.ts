// Contract methods of the repair actions. Previews (dryRun) change nothing and are allowed on
// read-only connections; real runs are refused there by dispatch (the contract declares which
// calls change Redis), and every real run (ok, refused or failed) is appended to the audit log.
import { join } from 'node:path';
import { FlowscopeError } from '../../../shared/errors';
import type { CoreContext } from '../core-context';
import type { DispatchRules, Handlers } from '../dispatch';
import { appendAudit, readAudit } from '../audit/audit-log';
import { flowRootOf } from '../audit/flow-root';
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
import type { SearchOptions } from './types';

type ActionMethods = 'retryFailedChildren' | 'removeUnprocessed' | 'retryJob' | 'removeJob' | 'promoteJob' | 'listAudit';
type AuditedMethod = Exclude<ActionMethods, 'listAudit'>;

/** Each audited method's name in the audit log, and the job it acts on. */
const AUDITED: Record<AuditedMethod, { action: string; target(args: Record<string, unknown>): string }> = {
  retryFailedChildren: { action: 'retry-failed-children', target: (a) => String(a.parentKey) },
  removeUnprocessed: { action: 'remove-unprocessed', target: (a) => String(a.parentKey) },
  retryJob: { action: 'retry-job', target: (a) => String(a.key) },
  removeJob: { action: 'remove-job', target: (a) => String(a.key) },
  promoteJob: { action: 'promote-job', target: (a) => String(a.key) },
};
const isAudited = (method: string): method is AuditedMethod => Object.hasOwn(AUDITED, method);

/**
 * `search.queues`: the queue keys the core knows (its queue registry), read by the remove-policy
 * search instead of a SCAN of the keyspace per action.
 */
export function actionHandlers(
  ctx: CoreContext,
  dataDir: string,
  search: SearchOptions = {},
): Pick<Handlers, ActionMethods> & { auditRefusal: DispatchRules['onReadOnlyRefusal'] } {
  const auditFile = join(dataDir, 'audit.jsonl');

  /** The root of the target's flow, read before the action (the entry is written without it when Redis cannot say). */
  const rootOf = (target: string) => flowRootOf(ctx.redis(), target).catch(() => undefined);

  /** Runs one action for real, the outcome audited either way. */
  async function audited<T>(action: string, target: string, changed: (result: T) => string[], run: () => Promise<T>): Promise<T> {
    const connection = ctx.connectionLabel();
    const rootKey = await rootOf(target);
    try {
      const result = await run();
      await appendAudit(auditFile, { connection, action, parent: target, rootKey, changed: changed(result), outcome: 'ok' });
      return result;
    } catch (err) {
      const refused = err instanceof FlowscopeError && (err.code === 'REFUSED' || err.code === 'READ_ONLY');
      await appendAudit(auditFile, { connection, action, parent: target, rootKey, changed: [], outcome: refused ? 'refused' : 'error', message: (err as Error).message });
      throw err;
    }
  }

  return {
    /** A run that dispatch refused (read-only) is audited like any other refusal. */
    async auditRefusal(method, args, error) {
      if (!isAudited(method)) return;
      const { action, target } = AUDITED[method];
      const parent = target(args as Record<string, unknown>);
      await appendAudit(auditFile, { connection: ctx.connectionLabel(), action, parent, rootKey: await rootOf(parent), changed: [], outcome: 'refused', message: error.message });
    },
    retryFailedChildren: ({ parentKey, dryRun, ...opts }) =>
      dryRun
        ? previewRetryFailedChildren(ctx.redis(), ctx.prefix, parentKey, { ...opts, ...search })
        : audited(AUDITED.retryFailedChildren.action, parentKey, (r) => [...r.reopened, ...r.retried], () =>
            retryFailedChildren(ctx.redis(), ctx.prefix, parentKey, { ...opts, ...search }),
          ),
    removeUnprocessed: async ({ parentKey, dryRun }) => {
      // Bad data is refused before anything is written (bad-data-guard.ts).
      if (dryRun) {
        await assertRemovableParent(ctx.redis(), parentKey);
        return previewRemoveUnprocessed(ctx.redis(), ctx.prefix, parentKey, search);
      }
      return audited(AUDITED.removeUnprocessed.action, parentKey, (r) => r.removed, async () => {
        await assertRemovableParent(ctx.redis(), parentKey);
        return removeUnprocessed(ctx.redis(), ctx.prefix, parentKey, search);
      });
    },
    retryJob: ({ key, dryRun, ...opts }) =>
      dryRun
        ? previewRetryJob(ctx.redis(), ctx.prefix, key, { ...opts, ...search })
        : audited(AUDITED.retryJob.action, key, (r) => [...r.reopened, ...r.retried], () => retryJob(ctx.redis(), ctx.prefix, key, { ...opts, ...search })),
    removeJob: ({ key, dryRun }) =>
      dryRun
        ? previewRemoveJob(ctx.redis(), ctx.prefix, key, search)
        : audited(AUDITED.removeJob.action, key, (r) => r.removed, () => removeJob(ctx.redis(), ctx.prefix, key, search)),
    promoteJob: ({ key }) => audited(AUDITED.promoteJob.action, key, (r) => [r.promoted], () => promoteJob(ctx.redis(), ctx.prefix, key)),
    listAudit: ({ limit }) => readAudit(auditFile, { limit }),
  };
}
