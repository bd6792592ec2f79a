// A modal dialog on the browser's own <dialog>: it traps focus, dims the page and closes on
// Escape, in Electron and in Chromium alike. `canClose` false holds it open (an action is
// running: closing then would hide its result).
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ModalProps {
  title: ReactNode;
  onClose(): void;
  canClose?: boolean;
  className?: string;
  /** data-* attributes for tests and automation. */
  data?: Record<`data-${string}`, string | number>;
  children: ReactNode;
}

export function Modal({ title, onClose, canClose = true, className, data, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // The dialog must not close itself: React decides whether it is shown.
        event.preventDefault();
        if (canClose) onClose();
      }}
      {...data}
    >
      <header className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="close" aria-label="Close dialog" onClick={onClose} disabled={!canClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}
