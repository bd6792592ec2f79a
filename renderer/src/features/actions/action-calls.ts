// Calls one action through the contract, as a preview (dry run) or for real, and tags the
// answer with its kind so the summary knows which shape it holds. Promote has no dry run in
// the core (it changes one job and nothing else), so its preview is built here from the key.
import type { FlowscopeClient } from '../../../../shared/contract';
import type { PromoteResult, RemoveJobResult, RemoveUnprocessedResult, RetryResult } from '../../../../shared/actions';
import type { ActionKind } from './action-kinds';

export interface ActionOptions {
  /** Retry keeps the attempts already made instead of resetting them. */
  keepAttempts: boolean;
  /** Retry failed children also retries failures a newer child superseded. */
  includeSuperseded: boolean;
}

export const DEFAULT_OPTIONS: ActionOptions = { keepAttempts: false, includeSuperseded: false };

export type ActionAnswer =
  | { kind: 'retryFailedChildren' | 'retryJob'; result: RetryResult }
  | { kind: 'removeUnprocessed'; result: RemoveUnprocessedResult }
  | { kind: 'removeJob'; result: RemoveJobResult }
  | { kind: 'promoteJob'; result: PromoteResult | { preview: string } };

export async function callAction(
  client: FlowscopeClient,
  kind: ActionKind,
  key: string,
  dryRun: boolean,
  options: ActionOptions = DEFAULT_OPTIONS,
): Promise<ActionAnswer> {
  switch (kind) {
    case 'retryFailedChildren':
      return {
        kind,
        result: await client.call('retryFailedChildren', {
          parentKey: key,
          dryRun,
          keepAttempts: options.keepAttempts,
          includeSuperseded: options.includeSuperseded,
        }),
      };
    case 'removeUnprocessed':
      return { kind, result: await client.call('removeUnprocessed', { parentKey: key, dryRun }) };
    case 'retryJob':
      return { kind, result: await client.call('retryJob', { key, dryRun, keepAttempts: options.keepAttempts }) };
    case 'removeJob':
      return { kind, result: await client.call('removeJob', { key, dryRun }) };
    case 'promoteJob':
      return { kind, result: dryRun ? { preview: key } : await client.call('promoteJob', { key }) };
  }
}
