// How the inspector and the graph's context menu ask for an action: they name the action and
// the job, and the one dialog of the open flow (ActionDialogHost) previews, confirms and runs it.
import { requiredContext } from '../../hooks/required-context';
import type { ActionKind } from './action-kinds';

export interface ActionRequest {
  kind: ActionKind;
  key: string;
}

export const [ActionDialogContext, useOpenAction] = requiredContext<(request: ActionRequest) => void>('ActionDialogContext');
