// What an action's answer means, in sections a person can check before confirming (the
// preview) and read afterwards (the result): which jobs change and how, which are skipped and
// why, what the parent does next. Pure, so the words are tested without a browser.
import type { ActionAnswer } from './action-calls';
import { plural } from '../../words/plural';

export type SectionId = 'reopened' | 'retried' | 'removed' | 'promoted' | 'skipped' | 'still-blocking';

export interface SummaryItem {
  key: string;
  /** Why it was skipped, or what happens to it. */
  note?: string;
}

export interface SummarySection {
  id: SectionId;
  title: string;
  /** change: jobs the action changes; skip: left alone on purpose; warn: still a problem after it. */
  tone: 'change' | 'skip' | 'warn';
  items: SummaryItem[];
}

export interface ActionSummary {
  /** One sentence on top. */
  headline: string;
  /** Jobs the action changes (0: there is nothing to confirm). */
  changes: number;
  sections: SummarySection[];
  /** What the parent does afterwards, when the action decides it. */
  next: string | null;
}


function section(id: SectionId, title: string, tone: SummarySection['tone'], items: SummaryItem[]): SummarySection[] {
  return items.length > 0 ? [{ id, title, tone, items }] : [];
}

const keysOf = (keys: string[]): SummaryItem[] => keys.map((key) => ({ key }));

export function summarise(answer: ActionAnswer, done: boolean): ActionSummary {
  switch (answer.kind) {
    case 'retryFailedChildren':
    case 'retryJob': {
      const { retried, reopened, skipped } = answer.result;
      const changes = retried.length + reopened.length;
      const parts = [retried.length > 0 && `${done ? 'retried' : 'retry'} ${plural(retried.length, 'job')}`, reopened.length > 0 && `${done ? 'reopened' : 'reopen'} ${reopened.length}`];
      const what = parts.filter(Boolean).join(' and ');
      const headline =
        changes === 0
          ? skipped.length > 0
            ? `Nothing to retry: ${done ? 'every failed job was skipped' : 'every failed job would be skipped'} (see why below).`
            : 'Nothing to retry: no failed job was found here.'
          : done
            ? `Done: ${what}. The graph follows as workers pick them up.`
            : `This will ${what}.`;
      return {
        headline,
        changes,
        next: null,
        sections: [
          ...section('reopened', done ? 'Reopened: back to waiting-children, each runs again once its children finish' : 'Will reopen: back to waiting-children, each runs again once its children finish', 'change', keysOf(reopened)),
          ...section('retried', done ? 'Retried: back in their queue, to run again' : 'Will retry: back in their queue, to run again', 'change', keysOf(retried)),
          ...section('skipped', done ? 'Skipped' : 'Will skip', 'skip', skipped.map((s) => ({ key: s.key, note: s.reason }))),
        ],
      };
    }
    case 'removeUnprocessed': {
      const { removed, skipped, stillBlocking, releasesParent } = answer.result;
      const headline =
        removed.length === 0
          ? 'Nothing to remove: no child of this job is waiting to start.'
          : done
            ? `Done: removed ${plural(removed.length, 'job')}.`
            : `This will remove ${plural(removed.length, 'job')} that had not started.`;
      let next: string | null = null;
      if (releasesParent) {
        next = done
          ? 'The parent had nothing left to wait for and moved to wait: a worker will run it.'
          : 'The parent then has nothing left to wait for and moves to wait: a worker will run it.';
      } else if (stillBlocking.length > 0) {
        next = `The parent keeps waiting: ${plural(stillBlocking.length, 'child', 'children')} still ${stillBlocking.length === 1 ? 'blocks' : 'block'} it (failed with no failure policy: retry or remove ${stillBlocking.length === 1 ? 'it' : 'them'}).`;
      } else if (skipped.length > 0) {
        next = 'The parent keeps waiting for the children left in place.';
      }
      return {
        headline,
        changes: removed.length,
        next,
        sections: [
          ...section('removed', done ? 'Removed' : 'Will remove', 'change', keysOf(removed)),
          ...section('skipped', done ? 'Left in place' : 'Will leave in place', 'skip', skipped.map((s) => ({ key: s.key, note: s.reason }))),
          ...section('still-blocking', done ? 'Still blocking the parent' : 'Will still block the parent', 'warn', keysOf(stillBlocking)),
        ],
      };
    }
    case 'removeJob': {
      const { removed, releasedParent } = answer.result;
      return {
        headline:
          removed.length === 0
            ? 'Nothing to remove: the job no longer exists.'
            : done
              ? `Done: removed ${plural(removed.length, 'job')}.`
              : `This will remove ${plural(removed.length, 'job')}: the job and everything under it.`,
        changes: removed.length,
        next: releasedParent
          ? done
            ? `Its parent ${releasedParent} had nothing left to wait for and moved to wait.`
            : `Its parent ${releasedParent} then has nothing left to wait for and moves to wait.`
          : null,
        sections: section('removed', done ? 'Removed' : 'Will remove', 'change', keysOf(removed)),
      };
    }
    case 'promoteJob': {
      const result = answer.result;
      if ('preview' in result) {
        return {
          headline: 'This will end the delay now.',
          changes: 1,
          next: null,
          sections: section('promoted', 'Will move to waiting (or prioritized, if it has a priority)', 'change', [{ key: result.preview }]),
        };
      }
      return {
        headline: `Done: promoted to ${result.state}.`,
        changes: 1,
        next: null,
        sections: section('promoted', `Promoted: now ${result.state}`, 'change', [{ key: result.promoted }]),
      };
    }
  }
}
