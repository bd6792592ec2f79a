// How the inspector and the graph's context menu ask for an action: they name the action and
// the job, and the one dialog of the open flow (ActionDialogHost) previews, confirms and runs it.
import { createContext, useContext } from 'react';
import type { ActionKind } from './action-kinds';

export interface ActionRequest {
  kind: ActionKind;
  key: string;
}

export const ActionDialogContext = createContext<((request: ActionRequest) => void) | null>(null);

export function useOpenAction(): (request: ActionRequest) => void {
  const open = useContext(ActionDialogContext);
  if (!open) throw new Error('ActionDialogContext is missing');
  return open;
}
