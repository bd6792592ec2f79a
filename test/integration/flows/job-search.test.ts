// Finding a job from what a ticket holds, over the contract, against real BullMQ flows: the id,
// the full key, `queue:id`, `#id`, a short id prefix, any case, a link; across queues; a child
// comes with its flow's root; a miss says what was looked for and where. And gently: exact
// lookups are EXISTS calls, prefix lookups reuse the flow list's cached SCAN.
import { randomUUID } from 'node:crypto';
import { FlowProducer } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FlowList } from '../../../shared/domain';
import { searchMissWords } from '../../../shared/search-words';
import { parseJobSearch } from '../../../electron/core/flows/job-search';
import { coreForFile } from '../../helpers/core-per-file';

const { redis, core } = coreForFile({ core: { shell: 'cli' } });
let prefix: string;
const rootId = randomUUID();
const childId = randomUUID();
let grandchildId: string;
let numericRoot: string;

async function list(args: Record<string, unknown>): Promise<FlowList> {
  const result = await core.dispatch('listFlows', args);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.result as FlowList;
}

/** Calls of one Redis command so far (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const info = await redis.client().info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

beforeAll(async () => {
  prefix = redis.prefix;
  const flows = new FlowProducer({ connection: redis.connection, prefix });
  const report = await flows.add({
    name: 'nightly-report',
    queueName: 'js-reports',
    opts: { jobId: rootId },
    children: [
      {
        name: 'fetch-returns',
        queueName: 'js-fetch',
        opts: { jobId: childId },
        children: [{ name: 'page-1', queueName: 'js-pages' }],
      },
      { name: 'render', queueName: 'js-work' },
    ],
  });
  grandchildId = report.children![0]!.children![0]!.job.id!;
  const numeric = await flows.add({ name: 'numbered', queueName: 'js-work', children: [{ name: 'leaf', queueName: 'js-pages' }] });
  numericRoot = numeric.job.id!;
  await flows.close();
});

const child = () => ({
  key: `${prefix}:js-fetch:${childId}`,
  queue: 'js-fetch',
  id: childId,
  name: 'fetch-returns',
  isRoot: false,
  root: { key: `${prefix}:js-reports:${rootId}`, queue: 'js-reports', id: rootId },
});

describe('reading a search text', () => {
  it('takes ids, keys, queue:id, #id, short ids and links', () => {
    expect(parseJobSearch(' 3f34ce14-aa ', 'bull')).toEqual({ id: '3f34ce14-aa', queues: null });
    expect(parseJobSearch('#17', 'bull')).toEqual({ id: '17', queues: null });
    expect(parseJobSearch('3f34ce14…', 'bull')).toEqual({ id: '3f34ce14', queues: null });
    expect(parseJobSearch('stuck-fetch:3f34', 'bull')).toEqual({ id: '3f34', queues: ['stuck-fetch'] });
    expect(parseJobSearch('stuck-fetch:3f34 (child)', 'bull')).toEqual({ id: '3f34', queues: ['stuck-fetch'] });
    expect(parseJobSearch('`bull:stuck-fetch:3f34`', 'bull')).toEqual({ id: '3f34', queues: ['stuck-fetch', 'bull:stuck-fetch'] });
    expect(parseJobSearch('bull:legacy:q:#9', 'bull')).toEqual({ id: '9', queues: ['legacy:q', 'bull:legacy:q'] });
    expect(parseJobSearch('http://127.0.0.1:5/?token=t#/flow/billing%3Aeu/order%2042', 'bull')).toEqual({ id: 'order 42', queues: ['billing:eu'] });
    expect(parseJobSearch('flowscope://flow/billing%3Aeu/order%2042', 'bull')).toEqual({ id: 'order 42', queues: ['billing:eu'] });
    expect(parseJobSearch(' <flowscope://flow/js-fetch/17?connection=staging> ', 'bull')).toEqual({ id: '17', queues: ['js-fetch'] });
    expect(parseJobSearch('q:', 'bull')).toBeNull();
    expect(parseJobSearch('#', 'bull')).toBeNull();
  });
});

describe('listFlows search', () => {
  it.each([
    ['the exact id', () => childId],
    ['the id in upper case', () => childId.toUpperCase()],
    ['the full key (Copy key, the audit log)', () => `${prefix}:js-fetch:${childId}`],
    ['queue:id (the CLI flow column)', () => `js-fetch:${childId} (child)`],
    ['a Flowscope link', () => `http://127.0.0.1:1/?token=x#/flow/js-fetch/${childId}`],
    ['a desktop deep link', () => `flowscope://flow/js-fetch/${childId}?connection=staging`],
  ])('finds a child in another queue by %s, with its flow root', async (_, text) => {
    const found = await list({ search: text() });
    expect(found.flows).toEqual([expect.objectContaining(child())]);
    expect(found.search).toMatchObject({ match: 'exact' });
  });

  it.each([
    ['the short id the UI shows', () => `${childId.slice(0, 8)}…`],
    ['a short id in upper case', () => childId.slice(0, 8).toUpperCase()],
    ['six characters of it', () => childId.slice(0, 6)],
    ['queue:short id', () => `JS-FETCH:${childId.slice(0, 8)}`],
  ])('finds a job by %s (id prefix)', async (_, text) => {
    const found = await list({ search: text() });
    expect(found.flows).toEqual([expect.objectContaining(child())]);
    expect(found.search).toMatchObject({ match: 'id-prefix', prefixSearched: true });
  });

  it('finds #id across queues, a root without a root of its own, and a grandchild with the top root', async () => {
    const numbered = await list({ search: `#${numericRoot}` });
    expect(numbered.flows.map((f) => `${f.queue}:${f.id}`)).toContain(`js-work:${numericRoot}`);
    expect(numbered.flows.find((f) => f.queue === 'js-work')!.root).toBeUndefined();
    const deep = await list({ search: `js-pages:${grandchildId}` });
    expect(deep.flows).toEqual([expect.objectContaining({ id: grandchildId, root: expect.objectContaining({ id: rootId }) })]);
  });

  it('finds a job by its key in a queue created a moment ago (the cached queue list does not have it yet)', async () => {
    await list({ search: childId }); // caches the queue names
    const flows = new FlowProducer({ connection: redis.connection, prefix });
    const fresh = await flows.add({ name: 'fresh', queueName: 'js-fresh', children: [{ name: 'kid', queueName: 'js-fresh' }] });
    await flows.close();
    const found = await list({ search: `${prefix}:js-fresh:${fresh.job.id}` });
    expect(found.flows.map((f) => f.key)).toEqual([`${prefix}:js-fresh:${fresh.job.id}`]);
    await redis.client().del(...(await redis.client().keys(`${prefix}:js-fresh:*`)));
  });

  it('says what was searched and where when nothing matches', async () => {
    const none = await list({ search: 'ffffffff' });
    expect(none.flows).toEqual([]);
    expect(none.search).toMatchObject({ match: 'none', id: 'ffffffff', queues: ['js-fetch', 'js-pages', 'js-reports', 'js-work'], prefix });
    expect(searchMissWords(none.search!)).toBe(`No job matching "ffffffff" in 4 queues under prefix ${prefix}.`);

    const narrowed = await list({ search: childId, queue: 'js-work' });
    expect(narrowed.flows).toEqual([]);
    expect(searchMissWords(narrowed.search!)).toBe(`No job matching "${childId}" in queue js-work under prefix ${prefix}.`);

    const short = await list({ search: '99999' });
    expect(searchMissWords(short.search!)).toMatch(/in 4 queues .*shorter than 6 characters must match in full/);

    const noQueue = await list({ search: 'js-fetc:123' });
    expect(searchMissWords(noQueue.search!)).toBe(`No queue js-fetc under prefix ${prefix}, so no job 123 in it.`);

    const hidden = await list({ search: childId, name: 'no-such-name' });
    expect(hidden.flows).toEqual([]);
    expect(searchMissWords(hidden.search!)).toBe(`1 job matches "${childId}", but not the name or state filter.`);
  });

  it('takes a full key longer than an id may be, and refuses only what no key could be', async () => {
    const long = `${prefix}:${'q'.repeat(500)}:${'1'.repeat(500)}`;
    expect((await list({ search: long })).search).toMatchObject({ match: 'none' });
    expect(await core.dispatch('listFlows', { search: 'x'.repeat(2049) })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('is gentle on Redis: exact ids scan nothing, prefixes reuse one SCAN, nothing scans per keystroke', async () => {
    await list({ search: childId }); // the queue names are now cached for a few seconds
    const scans = await calls('scan');
    const keys = await calls('keys');
    for (const text of [childId, childId.toUpperCase(), `js-fetch:${childId}`]) await list({ search: text });
    expect(await calls('scan')).toBe(scans);
    expect(await calls('keys')).toBe(keys);

    // Typing a short id, one keystroke at a time: one SCAN pass for all of them (once the
    // cached one has aged out, so the first keystroke does scan).
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const before = await calls('scan');
    await list({ search: childId.slice(0, 6) });
    const onePass = (await calls('scan')) - before;
    expect(onePass).toBeGreaterThan(0);
    for (let n = 7; n <= 12; n++) await list({ search: childId.slice(0, n) });
    expect((await calls('scan')) - before).toBe(onePass);
  });
});
