// listFlowHistory: the audit entries that touched a flow, for the History panel of the app.
import { join } from 'node:path';
import type { Handlers } from '../dispatch';
import { readFlowHistory } from './flow-history';

export function auditHandlers(dataDir: string): Pick<Handlers, 'listFlowHistory'> {
  const auditFile = join(dataDir, 'audit.jsonl');
  return {
    listFlowHistory: ({ keys, limit }) => readFlowHistory(auditFile, { keys, limit }),
  };
}
