// The renderer's action words and rules, without a browser: which actions a job offers and
// when they are enabled (counts first, then the dry run decides; read-only disables all with
// one reason), and how a preview or a result reads.
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../shared/domain';
import { judgeActions, versionReason, type RepairChecks } from '../../renderer/src/features/actions/action-availability';
import { READ_ONLY_REASON } from '../../renderer/src/features/actions/action-kinds';
import { summarise } from '../../renderer/src/features/actions/action-summary';
import { flowNode, NO_CHILDREN } from '../helpers/flow-nodes';

function job(extra: Partial<FlowNode> = {}): FlowNode {
  return flowNode('bull:q:1', { id: '1', name: 'parent', state: 'waiting-children', ...extra });
}

const counts = (c: Partial<FlowNode['childCounts']>) => ({ childCounts: { ...NO_CHILDREN, ...c } });

describe('judgeActions', () => {
  it('a leaf offers no repair action; a failed one can be retried, a delayed one promoted, an active one not removed', () => {
    expect(judgeActions(job({ state: 'waiting' }), false).retryFailedChildren.offered).toBe(false);
    expect(judgeActions(job({ state: 'failed' }), false).retryJob).toEqual({ offered: true, enabled: true, reason: null });
    expect(judgeActions(job({ state: 'delayed' }), false).promoteJob.enabled).toBe(true);
    expect(judgeActions(job({ state: 'waiting' }), false).promoteJob.offered).toBe(false);
    const active = judgeActions(job({ state: 'active' }), false).removeJob;
    expect(active.enabled).toBe(false);
    expect(active.reason).toMatch(/worker is running/);
  });

  it('before the dry run answers, the counts decide', () => {
    const judged = judgeActions(job(counts({ processed: 2, unprocessed: 1 })), false);
    expect(judged.retryFailedChildren.enabled).toBe(true); // the unprocessed one may be a blocking failure
    expect(judged.removeUnprocessed.enabled).toBe(true);
    const done = judgeActions(job(counts({ processed: 3 })), false);
    expect(done.retryFailedChildren).toMatchObject({ offered: true, enabled: false });
    expect(done.removeUnprocessed.reason).toMatch(/^Nothing to remove/);
  });

  it('the dry run decides: superseded failures only, an active parent refused, nothing left to remove', () => {
    const checks: RepairChecks = {
      retry: { status: 'done', result: { retried: [], reopened: [], skipped: [{ key: 'bull:q:2', reason: 'superseded by bull:q:3' }] } },
      remove: { status: 'done', result: { removed: [], skipped: [{ key: 'bull:q:4', reason: 'active' }], stillBlocking: [], releasesParent: false } },
    };
    const judged = judgeActions(job(counts({ ignored: 1, unprocessed: 1 })), false, checks);
    expect(judged.retryFailedChildren).toEqual({ offered: true, enabled: false, reason: 'Nothing to retry: 1 failed child is skipped (superseded by bull:q:3).' });
    expect(judged.removeUnprocessed.enabled).toBe(false);
    expect(judged.removeUnprocessed.reason).toContain('(active)');

    const refused = judgeActions(job(counts({ failed: 1 })), false, { retry: { status: 'error', message: 'bull:q:1 is active' }, remove: null });
    expect(refused.retryFailedChildren).toEqual({ offered: true, enabled: false, reason: 'bull:q:1 is active' });

    const found = judgeActions(job(counts({ processed: 1 })), false, { retry: { status: 'done', result: { retried: ['bull:q:9'], reopened: ['bull:q:1'], skipped: [] } }, remove: null });
    expect(found.retryFailedChildren.enabled).toBe(true); // a remove-policy failure no count shows
  });

  it('read-only: everything offered stays visible, disabled, with the one reason', () => {
    const judged = judgeActions(job({ state: 'failed', ...counts({ failed: 1, unprocessed: 1 }) }), true);
    for (const kind of ['retryFailedChildren', 'removeUnprocessed', 'retryJob', 'removeJob'] as const) {
      expect(judged[kind]).toEqual({ offered: true, enabled: false, reason: READ_ONLY_REASON });
    }
    expect(judged.promoteJob.offered).toBe(false);
  });

  it("a queue of an untested BullMQ: everything offered is disabled with the core's reason; an allowed or unknown verdict changes nothing", () => {
    const failed = job({ state: 'failed', ...counts({ failed: 1 }) });
    const reason = "is written by BullMQ 5.1.0; Flowscope's actions are tested with BullMQ 5.56–5.x and 6.x";
    const judged = judgeActions(failed, false, undefined, { ok: false, reason, layout: 5, basis: 'version' });
    const expected = `Actions are off for queue q: it ${reason}.`;
    expect(versionReason('q', { ok: false, reason, layout: 5, basis: 'version' })).toBe(expected);
    for (const kind of ['retryFailedChildren', 'retryJob', 'removeJob'] as const) {
      expect(judged[kind]).toEqual({ offered: true, enabled: false, reason: expected });
    }
    expect(judgeActions(failed, false, undefined, { ok: true, layout: 5, basis: 'version' })).toEqual(judgeActions(failed, false));
    expect(judgeActions(failed, true, undefined, { ok: false, reason, layout: 5, basis: 'version' }).retryJob.reason).toBe(READ_ONLY_REASON);
  });
});

describe('summarise', () => {
  it('a retry preview lists what reopens, what runs again and what is skipped, and why', () => {
    const summary = summarise(
      { kind: 'retryFailedChildren', result: { retried: ['bull:c:3'], reopened: ['bull:p:1', 'bull:p:2'], skipped: [{ key: 'bull:c:2', reason: 'superseded by bull:c:3' }] } },
      false,
    );
    expect(summary.headline).toBe('This will retry 1 job and reopen 2.');
    expect(summary.changes).toBe(3);
    expect(summary.sections.map((s) => [s.id, s.items.length])).toEqual([
      ['reopened', 2],
      ['retried', 1],
      ['skipped', 1],
    ]);
    expect(summary.sections[2]!.items[0]).toEqual({ key: 'bull:c:2', note: 'superseded by bull:c:3' });
    expect(summarise({ kind: 'retryJob', result: { retried: [], reopened: [], skipped: [] } }, true)).toMatchObject({ changes: 0, headline: 'Nothing to retry: no failed job was found here.' });
  });

  it('remove unprocessed says what the parent does next', () => {
    const released = summarise({ kind: 'removeUnprocessed', result: { removed: ['bull:c:1', 'bull:c:2'], skipped: [], stillBlocking: [], releasesParent: true } }, false);
    expect(released.headline).toBe('This will remove 2 jobs that had not started.');
    expect(released.next).toMatch(/moves to wait/);
    const blocked = summarise({ kind: 'removeUnprocessed', result: { removed: ['bull:c:1'], skipped: [{ key: 'bull:c:9', reason: 'failed' }], stillBlocking: ['bull:c:9'], releasesParent: false } }, true);
    expect(blocked.headline).toBe('Done: removed 1 job.');
    expect(blocked.next).toBe('The parent keeps waiting: 1 child still blocks it (failed with no failure policy: retry or remove it).');
    expect(blocked.sections.map((s) => s.id)).toEqual(['removed', 'skipped', 'still-blocking']);
  });

  it('remove job names the parent it releases; promote previews without a dry run', () => {
    expect(summarise({ kind: 'removeJob', result: { removed: ['bull:c:1', 'bull:c:2'], releasedParent: 'bull:p:1' } }, false).next).toBe(
      'Its parent bull:p:1 then has nothing left to wait for and moves to wait.',
    );
    expect(summarise({ kind: 'promoteJob', result: { preview: 'bull:d:1' } }, false)).toMatchObject({ changes: 1, sections: [{ id: 'promoted', items: [{ key: 'bull:d:1' }] }] });
    expect(summarise({ kind: 'promoteJob', result: { promoted: 'bull:d:1', state: 'prioritized' } }, true).headline).toBe('Done: promoted to prioritized.');
  });
});
