// Watches against a real Redis with real BullMQ workers: a watched flow tells its client once
// when it completes, fails (a fail-parent child) or becomes stuck (a child failed with no
// policy), and again when a repair lets it complete; a closed session ends its watches; an
// unwatched flow tells nobody; bad input is refused and changes nothing.
import { describe, expect, it } from 'vitest';
import type { MethodInput, MethodName } from '../../../shared/contract';
import { MAX_WATCHES_PER_SESSION, type WatchInfo } from '../../../shared/domain';
import { ANONYMOUS_SESSION } from '../../../electron/core/dispatch';
import { DEFAULT_PAGE_SIZE, loadTree } from '../../../electron/core/tree';
import { JobOutcomes } from '../../helpers/flows';
import { coreForFile } from '../../helpers/core-per-file';
import { callAs, watchTestKit } from '../../helpers/watch-client';

const file = coreForFile();
const { redis, core } = file;
const { client, producer, workers } = watchTestKit(file);

const call = <M extends MethodName>(method: M, args: MethodInput<M>, session: string) => callAs(core, method, args, session);

describe('watching a flow', () => {
  it('tells the client once when the flow completes', async () => {
    const { job: root } = await producer().add({
      name: 'order',
      queueName: 'w-orders',
      children: [
        { name: 'charge', queueName: 'w-steps' },
        { name: 'ship', queueName: 'w-steps', children: [{ name: 'pack', queueName: 'w-steps' }] },
      ],
    });
    const support = client('support-a');
    const info = await support.watch('w-orders', root.id!);
    expect(info).toMatchObject({ kind: 'flow', queue: 'w-orders', jobId: root.id, key: `${redis.prefix}:w-orders:${root.id}`, name: 'order', outcome: null });

    workers(new JobOutcomes(), ['w-steps', 'w-orders']);
    const event = await support.next((e) => e.outcome === 'completed');
    expect(event).toMatchObject({ watchId: info.id, kind: 'flow', outcome: 'completed', queue: 'w-orders', jobId: root.id, name: 'order' });
    // Later patches of the finished flow do not tell it again.
    expect(await call('listWatches', {}, 'support-a')).toEqual([{ ...info, outcome: 'completed' }]);
    expect(support.events).toHaveLength(1);
  });

  it('says stuck when a child fails with no policy, and completed after retryFailedChildren repairs it', async () => {
    let failing = true;
    const { job: root, children } = await producer().add({
      name: 'report',
      queueName: 'w-reports',
      children: [
        { name: 'fetch', queueName: 'w-parts' },
        { name: 'render', queueName: 'w-parts', data: { flaky: true } },
      ],
    });
    const support = client('support-b');
    const info = await support.watch('w-reports', root.id!);
    workers(new JobOutcomes(), ['w-parts', 'w-reports'], async (job) => {
      if (job.data.flaky && failing) throw new Error('renderer out of memory');
      return 'ok';
    });

    const stuck = await support.next((e) => e.outcome === 'stuck');
    expect(stuck).toMatchObject({ watchId: info.id, outcome: 'stuck', jobId: root.id });
    expect(stuck.detail).toContain(`w-parts/${children![1]!.job.id} (render) failed (renderer out of memory) with no failure policy`);
    expect((await call('listWatches', {}, 'support-b'))[0]?.outcome).toBe('stuck');

    failing = false;
    const repair = await call('retryFailedChildren', { parentKey: `${redis.prefix}:w-reports:${root.id}` }, 'support-b');
    expect(repair).toBeTruthy();
    const done = await support.next((e) => e.outcome === 'completed');
    expect(done).toMatchObject({ watchId: info.id, jobId: root.id });
    expect(support.events.map((e) => e.outcome)).toEqual(['stuck', 'completed']);
  });

  it('says stuck when the failed child is beyond the first page of a big fan-out', async () => {
    const { job: root } = await producer().add({
      name: 'fanout',
      queueName: 'w-fanout',
      children: Array.from({ length: DEFAULT_PAGE_SIZE + 30 }, (_, n) => ({ name: `call-${n}`, queueName: 'w-fanout-calls' })),
    });
    // A child the watch's view does not show (the first page of the pending bucket leaves it out).
    const shown = await loadTree(redis.client(), redis.prefix, 'w-fanout', root.id!);
    const listed = new Set(shown.nodes.map((n) => n.key));
    const pending = await redis.client().smembers(`${redis.prefix}:w-fanout:${root.id}:dependencies`);
    const hidden = pending.find((key) => !listed.has(key))!;
    expect(hidden).toBeDefined();
    const support = client('support-fanout');
    const info = await support.watch('w-fanout', root.id!);
    workers(new JobOutcomes(), ['w-fanout-calls', 'w-fanout'], async (job) => {
      if (`${job.queueQualifiedName}:${job.id}` === hidden) throw new Error('provider timeout');
      return 'ok';
    });
    const stuck = await support.next((e) => e.outcome === 'stuck');
    expect(stuck).toMatchObject({ watchId: info.id, jobId: root.id });
    // Told by the blocking count while the child is out of view ("1 failed child …"), or by the
    // child itself once the bucket fits a page ("… (provider timeout) …"): whichever comes first.
    expect(stuck.detail).toMatch(/(1 failed child|\(provider timeout\)) with no failure policy/);
    expect(support.events.map((e) => e.outcome)).toEqual(['stuck']);
  });

  it('says failed when a fail-parent child fails the root', async () => {
    const { job: root } = await producer().add({
      name: 'import',
      queueName: 'w-imports',
      children: [{ name: 'parse', queueName: 'w-rows', data: { fail: 'bad row 7' }, opts: { failParentOnFailure: true } }],
    });
    const support = client('support-c');
    const info = await support.watch('w-imports', root.id!);
    workers(new JobOutcomes(), ['w-rows', 'w-imports']);
    const failed = await support.next((e) => e.outcome === 'failed');
    expect(failed).toMatchObject({ watchId: info.id, outcome: 'failed', jobId: root.id });
    expect(failed.detail).toMatch(/failed: child .* failed/);
    expect(support.events.map((e) => e.outcome)).toEqual(['failed']);
  });

  it('ends the watches of a closed session, and tells nobody of flows nobody watches', async () => {
    const flows = producer();
    const { job: watched } = await flows.add({ name: 'watched', queueName: 'w-close', children: [{ name: 'step', queueName: 'w-close-steps' }] });
    const { job: other } = await flows.add({ name: 'other', queueName: 'w-close', children: [{ name: 'step', queueName: 'w-close-steps' }] });
    const leaving = client('support-leaving');
    const staying = client('support-staying');
    await leaving.watch('w-close', watched.id!);
    await staying.watch('w-close', watched.id!);
    core.closeSession('support-leaving');
    expect(await call('listWatches', {}, 'support-leaving')).toEqual([]);

    const outcomes = new JobOutcomes();
    workers(outcomes, ['w-close-steps', 'w-close']);
    await outcomes.until({ [`${redis.prefix}:w-close:${other.id}`]: 'completed', [`${redis.prefix}:w-close:${watched.id}`]: 'completed' });
    await staying.next((e) => e.outcome === 'completed');
    expect(staying.events.map((e) => [e.jobId, e.outcome])).toEqual([[watched.id, 'completed']]);
    expect(leaving.events).toEqual([]);
  });

  it('unwatch stops the events of that watch only', async () => {
    const { job: root } = await producer().add({ name: 'twice', queueName: 'w-unwatch', children: [{ name: 'step', queueName: 'w-unwatch-steps' }] });
    const support = client('support-d');
    const first = await support.watch('w-unwatch', root.id!);
    const second = await support.watch('w-unwatch', root.id!);
    expect(await call('unwatch', { watchId: first.id }, 'support-d')).toEqual({ unwatched: true });
    expect(await call('unwatch', { watchId: first.id }, 'support-d')).toEqual({ unwatched: false });
    expect(await call('unwatch', { watchId: second.id }, 'someone-else')).toEqual({ unwatched: false });
    workers(new JobOutcomes(), ['w-unwatch-steps', 'w-unwatch']);
    await support.next((e) => e.outcome === 'completed');
    expect(support.events.map((e) => e.watchId)).toEqual([second.id]);
  });

  it('refuses bad input with a clear error and keeps no watch', async () => {
    const { job: root } = await producer().add({ name: 'real', queueName: 'w-bad', children: [{ name: 'step', queueName: 'w-bad' }] });
    const session = 'support-e';
    const refused = async (method: MethodName, args: unknown, as = session) => {
      const result = await core.dispatch(method, args, as);
      if (result.ok) throw new Error(`${method} was not refused`);
      return result.error;
    };
    expect(await refused('watchFlow', { queue: 'w-nope', jobId: '1' })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('No queue w-nope under prefix') });
    expect(await refused('watchFlow', { queue: 'w-bad', jobId: 'no-such-job' })).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('No job no-such-job in queue w-bad'),
    });
    expect(await refused('watchFlow', { queue: 'w-bad', jobId: '' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('jobId is required') });
    expect(await refused('watchFlow', { queue: 'w-bad', jobId: 7 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused('watchQueue', { queue: 'w-nope' })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('No queue w-nope') });
    expect(await refused('unwatch', { watchId: '' })).toMatchObject({ code: 'BAD_REQUEST' });
    // A call with no session (HTTP API, CLI) could never hear of the outcome.
    expect(await refused('watchFlow', { queue: 'w-bad', jobId: root.id! }, ANONYMOUS_SESSION)).toMatchObject({
      code: 'REFUSED',
      message: expect.stringContaining('Watching needs a client that stays connected'),
    });
    expect(await call('listWatches', {}, session)).toEqual([]);
  });

  it(`holds at most ${MAX_WATCHES_PER_SESSION} watches per client`, async () => {
    const { job: root } = await producer().add({ name: 'many', queueName: 'w-many', children: [{ name: 'step', queueName: 'w-many' }] });
    const session = 'support-f';
    client(session);
    const held: WatchInfo[] = [];
    held.push(await call('watchFlow', { queue: 'w-many', jobId: root.id! }, session));
    for (let i = 1; i < MAX_WATCHES_PER_SESSION; i++) held.push(await call('watchQueue', { queue: 'w-many' }, session));
    const over = await core.dispatch('watchFlow', { queue: 'w-many', jobId: root.id! }, session);
    expect(over).toMatchObject({ ok: false, error: { code: 'REFUSED', message: `At most ${MAX_WATCHES_PER_SESSION} watches per client: unwatch one first` } });
    expect(await call('listWatches', {}, session)).toHaveLength(MAX_WATCHES_PER_SESSION);
    // Another client has its own allowance.
    client('support-g');
    expect(await call('watchFlow', { queue: 'w-many', jobId: root.id! }, 'support-g')).toMatchObject({ kind: 'flow' });
  });
});
