// Decides, from the current knobs, whether one call of a target fails, and throws the error
// the knob asks for: a plain Error (BullMQ retries) or an UnrecoverableError (fails at once).
import { UnrecoverableError } from 'bullmq';
import type { FailureKnob, Knobs } from './knobs';
import { seededRandom } from './seeded-random';

export interface FailureWords {
  retryable: string;
  unrecoverable: string;
}

const DEFAULT_WORDS: FailureWords = { retryable: 'injected failure', unrecoverable: 'injected unrecoverable failure' };

export function shouldFail(knobs: Knobs, target: string, call: number): FailureKnob | null {
  const knob = knobs.failures[target];
  if (!knob) return null;
  switch (knob.mode) {
    case 'never':
      return null;
    case 'always':
      return knob;
    case 'until-fixed':
      return knob.fixed ? null : knob;
    case 'rate':
      return seededRandom(knobs.seed, 'fail', target, call) < knob.rate ? knob : null;
  }
}

/** Throws when the knobs say this call of `target` fails; the message names the target and the call. */
export function throwIfInjected(knobs: Knobs, target: string, call: number, words: FailureWords = DEFAULT_WORDS): void {
  const knob = shouldFail(knobs, target, call);
  if (!knob) return;
  if (knob.error === 'unrecoverable') throw new UnrecoverableError(`${target}: ${words.unrecoverable} (call ${call})`);
  throw new Error(`${target}: ${words.retryable} (call ${call})`);
}
