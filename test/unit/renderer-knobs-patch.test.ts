// The scenarios panel sends only the knobs a person changed, so a running scenario keeps
// every other knob as it is.
import { describe, expect, it } from 'vitest';
import { NO_FAILURE, type Knobs } from '../../shared/scenarios';
import { isEmptyPatch, knobsPatch } from '../../renderer/src/features/scenarios/knobs-patch';

const base: Knobs = {
  failures: { anthropic: { ...NO_FAILURE, mode: 'until-fixed' } },
  seed: 42,
  latencyMs: 500,
  attempts: 2,
  backoffMs: 500,
  parentAttempts: 3,
  flows: 1,
  fanout: 8,
};

describe('knobsPatch', () => {
  it('is empty when nothing changed', () => {
    expect(isEmptyPatch(knobsPatch(base, structuredClone(base)))).toBe(true);
  });

  it('carries changed numbers and whole changed failure knobs only', () => {
    const to: Knobs = {
      ...base,
      latencyMs: 50,
      failures: { anthropic: { ...base.failures.anthropic!, fixed: true }, openai: { ...NO_FAILURE, mode: 'rate', rate: 0.25 } },
    };
    expect(knobsPatch(base, to)).toEqual({
      latencyMs: 50,
      failures: {
        anthropic: { mode: 'until-fixed', rate: 0, fixed: true, error: 'retryable' },
        openai: { mode: 'rate', rate: 0.25, fixed: false, error: 'retryable' },
      },
    });
  });

  it('a target that no longer fails is sent as null', () => {
    expect(knobsPatch(base, { ...base, failures: {} })).toEqual({ failures: { anthropic: null } });
  });
});
