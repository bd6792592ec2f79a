// The five actions a person can run on a job (docs/SPEC.md §6), named by their contract method, with
// the words the buttons, the menu and the confirmation use. One place, so the inspector and
// the context menu can never call the same action by two names.
export const ACTION_KINDS = ['retryFailedChildren', 'removeUnprocessed', 'retryJob', 'removeJob', 'promoteJob'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** The two repair actions on a parent; the others are the everyday actions on any job. */
export const REPAIR_KINDS: readonly ActionKind[] = ['retryFailedChildren', 'removeUnprocessed'];
export const EVERYDAY_KINDS: readonly ActionKind[] = ['retryJob', 'removeJob', 'promoteJob'];

export interface ActionWords {
  /** The button's accessible name (docs/SPEC.md §9 fixes the first two). */
  label: string;
  /** The confirm button in the dialog. */
  confirm: string;
  /** What it does, in one sentence for the confirmation's head. */
  explains: string;
}

export const ACTION_WORDS: Record<ActionKind, ActionWords> = {
  retryFailedChildren: {
    label: 'Retry failed children',
    confirm: 'Retry failed children now',
    explains:
      'Runs only the failed children again. Children that succeeded keep their results and do not run again; the parent (and any ancestor that failed with it) is reopened to wait for them.',
  },
  removeUnprocessed: {
    label: 'Remove unprocessed',
    confirm: 'Remove unprocessed now',
    explains:
      'Removes the children that have not started yet (waiting, delayed, prioritized, and their subtrees). Children that are running, finished or failed stay.',
  },
  retryJob: {
    label: 'Retry job',
    confirm: 'Retry job now',
    explains: 'Puts this failed job back in its queue, to be run again by a worker.',
  },
  removeJob: {
    label: 'Remove job',
    confirm: 'Remove job now',
    explains: 'Deletes this job and every job under it from Redis. This cannot be undone.',
  },
  promoteJob: {
    label: 'Promote',
    confirm: 'Promote now',
    explains: 'Ends the delay of this job: it moves to waiting and the next free worker runs it.',
  },
};

/** Why every action button is disabled on a read-only connection. */
export const READ_ONLY_REASON = 'Read-only connection: actions are disabled. Switch to a writable connection (Connections, top right) to repair.';
