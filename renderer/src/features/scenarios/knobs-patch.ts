// The change between two sets of knobs, as the contract's knobs patch: only what differs, so
// "Apply" on a running scenario touches nothing the person did not change (a processor reads
// the knobs at call time, and an untouched knob must not be reset under it).
import { NUMBER_KNOBS, type FailureKnob, type Knobs, type KnobsPatch } from '../../../../shared/scenarios';

export type { NumberKnob } from '../../../../shared/scenarios';

function sameFailure(a: FailureKnob | undefined, b: FailureKnob | undefined): boolean {
  if (!a || !b) return a === b;
  return a.mode === b.mode && a.rate === b.rate && a.fixed === b.fixed && a.error === b.error;
}

export function knobsPatch(from: Knobs, to: Knobs): KnobsPatch {
  const patch: KnobsPatch = {};
  for (const knob of NUMBER_KNOBS) if (from[knob] !== to[knob]) patch[knob] = to[knob];
  const failures: NonNullable<KnobsPatch['failures']> = {};
  for (const target of new Set([...Object.keys(from.failures), ...Object.keys(to.failures)])) {
    const before = from.failures[target];
    const after = to.failures[target];
    if (sameFailure(before, after)) continue;
    failures[target] = after ? { ...after } : null;
  }
  if (Object.keys(failures).length > 0) patch.failures = failures;
  return patch;
}

export function isEmptyPatch(patch: KnobsPatch): boolean {
  return Object.keys(patch).length === 0;
}
