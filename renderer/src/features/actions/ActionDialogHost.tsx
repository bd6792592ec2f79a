// Holds the action being confirmed for the open flow and renders its dialog; one at a time.
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { ActionDialog } from './ActionDialog';
import { ActionDialogContext, type ActionRequest } from './use-action-dialog';

export function ActionDialogHost({ children }: { children: ReactNode }) {
  const [request, setRequest] = useState<(ActionRequest & { id: number }) | null>(null);
  const nextId = useRef(0);
  // Each request gets a fresh dialog (its own preview), even for the same job twice.
  const open = useCallback((r: ActionRequest) => setRequest({ ...r, id: ++nextId.current }), []);
  return (
    <ActionDialogContext.Provider value={open}>
      {children}
      {request && <ActionDialog key={request.id} kind={request.kind} jobKey={request.key} onClose={() => setRequest(null)} />}
    </ActionDialogContext.Provider>
  );
}
