// The repair actions of a parent (docs/SPEC.md §6): "Retry failed children" and "Remove unprocessed",
// each opening its preview. Shown on every parent, disabled with the reason when they would
// change nothing, so a person learns where the actions live and why they are off.
import type { Availability } from './action-availability';
import { REPAIR_KINDS, type ActionKind } from './action-kinds';
import { ActionButton } from './ActionButton';

export function ParentActions({ jobKey, judged }: { jobKey: string; judged: Record<ActionKind, Availability> }) {
  const kinds = REPAIR_KINDS.filter((k) => judged[k].offered);
  if (kinds.length === 0) return null;
  return (
    <div className="action-row parent-actions" data-testid="parent-actions">
      {kinds.map((kind) => (
        <ActionButton key={kind} kind={kind} jobKey={jobKey} availability={judged[kind]} />
      ))}
    </div>
  );
}
