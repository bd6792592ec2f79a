// One action button: a real <button> named exactly as the action (docs/SPEC.md §9), disabled with its
// reason as the tooltip when it cannot do anything, opening the confirmation otherwise.
import type { Availability } from './action-availability';
import { ACTION_WORDS, type ActionKind } from './action-kinds';
import { useOpenAction } from './use-action-dialog';

export function ActionButton({ kind, jobKey, availability, onOpen }: { kind: ActionKind; jobKey: string; availability: Availability; onOpen?(): void }) {
  const open = useOpenAction();
  const words = ACTION_WORDS[kind];
  const danger = kind === 'removeJob' || kind === 'removeUnprocessed';
  return (
    <button
      type="button"
      className={`action-button${danger ? ' danger-outline' : ''}`}
      disabled={!availability.enabled}
      title={availability.reason ?? words.explains}
      data-kind={kind}
      onClick={() => {
        onOpen?.();
        open({ kind, key: jobKey });
      }}
    >
      {words.label}
    </button>
  );
}
