// The UI's words for counts and states: "1 job", never "1 jobs"; a job that failed with
// attempts left is not "failed for good (no attempts left)", and an UnrecoverableError says
// so; a leaf search hit is not "a parent inside a bigger flow".
import { describe, expect, it } from 'vitest';
import { whereInFlow } from '../../renderer/src/features/flows/FlowList';
import { attemptsWordsOf, isUnrecoverable, stateWordsOf, STATE_WORDS } from '../../renderer/src/features/graph/flow-words';
import { bytesInWords } from '../../renderer/src/words/bytes';
import { plural, pluralWord } from '../../renderer/src/words/plural';

describe('plural', () => {
  it('says one job, two jobs, 1,200 children', () => {
    expect(plural(1, 'job')).toBe('1 job');
    expect(plural(0, 'job')).toBe('0 jobs');
    expect(plural(2, 'flow')).toBe('2 flows');
    expect(plural(1_200, 'child')).toBe('1,200 children');
    expect(plural(1, 'child')).toBe('1 child');
    expect(plural(3, 'failed job')).toBe('3 failed jobs');
    expect(plural(2, 'entry')).toBe('2 entries');
    expect(plural(2, 'process')).toBe('2 processes');
    expect(pluralWord(2, 'failed child is', 'failed children are')).toBe('failed children are');
  });
});

describe('state words', () => {
  const failed = { state: 'failed' as const, failedReason: 'boom' };
  const unrecoverableStack = ['UnrecoverableError: card declined\n    at process (worker.js:1:1)'];

  it('a failed job that used every attempt failed for good', () => {
    expect(stateWordsOf({ ...failed, attemptsMade: 2, attempts: 2 })).toBe(STATE_WORDS.failed);
    expect(attemptsWordsOf({ ...failed, attemptsMade: 2, attempts: 2 })).toBeNull();
  });

  it('an UnrecoverableError with attempts left says so, not "no attempts left"', () => {
    expect(isUnrecoverable(unrecoverableStack)).toBe(true);
    expect(isUnrecoverable(['Error: rate limited'])).toBe(false);
    const words = stateWordsOf({ ...failed, attemptsMade: 1, attempts: 2 }, unrecoverableStack);
    expect(words).toContain('UnrecoverableError');
    expect(words).not.toContain('no attempts left');
    expect(attemptsWordsOf({ ...failed, attemptsMade: 1, attempts: 2 }, unrecoverableStack)).toBe('1 attempt not used: an UnrecoverableError ends the job at once');
  });

  it('a parent failed by its child, and other early failures, are told apart', () => {
    expect(stateWordsOf({ state: 'failed', failedReason: 'child bull:q:1 failed', attemptsMade: 0, attempts: 1 })).toContain('a child failed it');
    expect(stateWordsOf({ ...failed, attemptsMade: 1, attempts: 3 })).not.toContain('no attempts left');
    expect(stateWordsOf({ state: 'active', failedReason: null, attemptsMade: 0, attempts: 1 })).toBe(STATE_WORDS.active);
  });
});

describe('where a search hit sits', () => {
  const none = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
  const root = { key: 'bull:orders:1', queue: 'orders', id: '1' };
  it('a leaf is a child, a job with children a parent', () => {
    expect(whereInFlow({ root, childCounts: none })).toBe('a child in the flow of orders #1');
    expect(whereInFlow({ root, childCounts: { ...none, processed: 2 } })).toBe('a parent in the flow of orders #1');
    expect(whereInFlow({ childCounts: none })).toBe('a child inside a bigger flow');
  });
});

describe('sizes in words', () => {
  it('says bytes, KiB and MiB as the cut marker shows them, never more than it holds', () => {
    expect(bytesInWords(1)).toBe('1 byte');
    expect(bytesInWords(900)).toBe('900 bytes');
    expect(bytesInWords(256 * 1024)).toBe('256 KiB');
    expect(bytesInWords(1536)).toBe('1.5 KiB');
    expect(bytesInWords(Math.round(3.15 * 1024 * 1024))).toBe('3.1 MiB');
    expect(bytesInWords(1024 * 1024 - 1)).toBe('1,023 KiB');
    expect(bytesInWords(20 * 1024 * 1024)).toBe('20 MiB');
  });
});
