// Renderer helpers without a browser: hash routes, short ids, arrow-key moves through the tree,
// JSON highlighting tokens, time words and the flow list's query.
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../shared/domain';
import { flowQuery, NO_FILTERS, PAGE_LIMIT } from '../../renderer/src/features/flows/flow-query';
import { moveSelection } from '../../renderer/src/features/keyboard/tree-navigation';
import { jsonTokens, prettyJson } from '../../renderer/src/features/inspector/json-tokens';
import { duration } from '../../renderer/src/features/inspector/time-words';
import { shortId } from '../../renderer/src/navigation/job-key';
import { formatRoute, parseRoute } from '../../renderer/src/navigation/route';
import { createNavigation } from '../../renderer/src/navigation/navigation-store';
import { flowNode } from '../helpers/flow-nodes';
import { isCurrentRow, rowRoute } from '../../renderer/src/features/flows/FlowList';
import type { FlowSummary } from '../../shared/domain';

describe('routes', () => {
  it('round-trips a flow link, encoding queue names and ids', () => {
    const route = { view: 'flow', queue: 'billing:eu/2', jobId: 'order 42' } as const;
    const hash = formatRoute(route);
    expect(hash).toBe('#/flow/billing%3Aeu%2F2/order%2042');
    expect(parseRoute(hash)).toEqual(route);
    expect(parseRoute('#/flow/emails/17')).toEqual({ view: 'flow', queue: 'emails', jobId: '17' });
  });

  it('carries the job a link selects inside a flow', () => {
    const route = { view: 'flow', queue: 'reports', jobId: '7', select: 'bull:fetch:3f34ce14-aa' } as const;
    expect(formatRoute(route)).toBe('#/flow/reports/7?job=bull%3Afetch%3A3f34ce14-aa');
    expect(parseRoute(formatRoute(route))).toEqual(route);
    expect(parseRoute('#/flow/reports/7?other=1')).toEqual({ view: 'flow', queue: 'reports', jobId: '7' });
  });

  it('treats anything else as home', () => {
    expect(parseRoute('')).toEqual({ view: 'home' });
    expect(parseRoute('#/flow/only-queue')).toEqual({ view: 'home' });
    expect(parseRoute('#/flow/%E0%A4%A/1')).toEqual({ view: 'home' });
  });
});

describe('job ids shown', () => {
  it('shortens long ids only', () => {
    expect(shortId('42')).toBe('42');
    expect(shortId('0b9e6c1e-8a52-4f4b-9a55-6d8c0f1a2b3c')).toBe('0b9e6c1e…');
  });
});

function n(key: string, parentKey: string | null): FlowNode {
  return flowNode(key, { parentKey, timestamp: null });
}

describe('moveSelection', () => {
  const nodes = [n('r', null), n('a', 'r'), n('b', 'r'), n('c', 'r'), n('a1', 'a')];
  const view = {
    rootKey: 'r',
    jobsByKey: new Map(nodes.map((x) => [x.key, x])),
    childKeys: new Map([['r', ['a', 'b', 'c']], ['a', ['a1']]]),
    collapsed: new Set(['b']),
  };

  it('starts at the root', () => {
    expect(moveSelection(view, null, 'down')).toEqual({ select: 'r' });
  });

  it('goes down to the first child, up to the parent, sideways through siblings', () => {
    expect(moveSelection(view, 'r', 'down')).toEqual({ select: 'a' });
    expect(moveSelection(view, 'a', 'down')).toEqual({ select: 'a1' });
    expect(moveSelection(view, 'a1', 'up')).toEqual({ select: 'a' });
    expect(moveSelection(view, 'a', 'right')).toEqual({ select: 'b' });
    expect(moveSelection(view, 'c', 'left')).toEqual({ select: 'b' });
  });

  it('stays put at the edges', () => {
    expect(moveSelection(view, 'r', 'up')).toBeNull();
    expect(moveSelection(view, 'r', 'left')).toBeNull();
    expect(moveSelection(view, 'c', 'right')).toBeNull();
    expect(moveSelection(view, 'a1', 'down')).toBeNull();
  });

  it('asks to open a collapsed parent with nothing loaded', () => {
    expect(moveSelection(view, 'b', 'down')).toEqual({ open: 'b' });
  });
});

describe('json tokens', () => {
  it('marks keys, strings, numbers and literals and keeps every character', () => {
    const text = prettyJson({ id: 7, name: 'a "b"', ok: true, none: null, list: [1.5, -2, 1e21] });
    const tokens = jsonTokens(text);
    expect(tokens.map((t) => t.text).join('')).toBe(text);
    expect(tokens.filter((t) => t.kind === 'key').map((t) => t.text)).toEqual(['"id"', '"name"', '"ok"', '"none"', '"list"']);
    expect(tokens.filter((t) => t.kind === 'string').map((t) => t.text)).toEqual(['"a \\"b\\""']);
    expect(tokens.filter((t) => t.kind === 'number').map((t) => t.text)).toEqual(['7', '1.5', '-2', '1e+21']);
    expect(tokens.filter((t) => t.kind === 'literal').map((t) => t.text)).toEqual(['true', 'null']);
  });
});

describe('durations', () => {
  it('reads like a person would say it', () => {
    expect(duration(42)).toBe('42 ms');
    expect(duration(1500)).toBe('1.50 s');
    expect(duration(125_000)).toBe('2 min 5 s');
    expect(duration(null)).toBe('—');
  });
});

describe('flow list query', () => {
  it('sends only the filters that are set', () => {
    expect(flowQuery(null, NO_FILTERS)).toEqual({ limit: PAGE_LIMIT });
    expect(flowQuery('orders', { state: 'stuck', name: ' ship ', search: '' }, 'c1')).toEqual({
      limit: PAGE_LIMIT,
      queue: 'orders',
      state: 'stuck',
      name: 'ship',
      cursor: 'c1',
    });
  });
});

/** A window whose hash the app sets (hashchange fires as in a browser, after the change) or a person changes. */
function fakeWindow(hash: string) {
  let listener: (() => void) | null = null;
  let current = hash;
  const fire = () => listener?.();
  const win = {
    location: {
      get hash() {
        return current;
      },
      set hash(value: string) {
        current = value;
        fire();
      },
    } as Location,
    addEventListener: (_: string, fn: () => void) => (listener = fn),
  } as unknown as Pick<Window, 'location' | 'addEventListener'>;
  return { win, openFromOutside: (value: string) => ((current = value), fire()) };
}

describe('the flow list scope', () => {
  it('is never narrowed by the route: not on load, not when a flow of every queue is picked', () => {
    const { win } = fakeWindow('#/flow/stuck-fetch/7');
    const nav = createNavigation(win);
    expect(nav.store.getState().selectedQueue).toBeNull();
    nav.navigate({ view: 'flow', queue: 'reports', jobId: '1' });
    expect(nav.store.getState()).toMatchObject({ selectedQueue: null, route: { queue: 'reports', jobId: '1' }, listReset: 0 });
  });

  it('keeps a picked queue for its own flows, widens for another queue’s, resets for a link from outside', () => {
    const { win, openFromOutside } = fakeWindow('#/');
    const nav = createNavigation(win);
    nav.selectQueue('reports');
    nav.navigate({ view: 'flow', queue: 'reports', jobId: '1' });
    expect(nav.store.getState().selectedQueue).toBe('reports');
    // A search hit in the picked queue, inside a flow rooted elsewhere: still in scope.
    nav.navigate({ view: 'flow', queue: 'nightly', jobId: '9', select: 'bull:reports:3' });
    expect(nav.store.getState().selectedQueue).toBe('reports');
    nav.navigate({ view: 'flow', queue: 'emails', jobId: '2' });
    expect(nav.store.getState()).toMatchObject({ selectedQueue: null, listReset: 0 });

    nav.selectQueue('emails');
    openFromOutside('#/flow/emails/5');
    expect(nav.store.getState()).toMatchObject({ selectedQueue: null, listReset: 1, route: { queue: 'emails', jobId: '5' } });
  });
});

const summary = (extra: Partial<FlowSummary>): FlowSummary => ({
  key: 'bull:fetch:c1', queue: 'fetch', id: 'c1', name: 'fetch', state: 'failed', timestamp: 1, isRoot: false,
  childCounts: { processed: 0, unprocessed: 0, failed: 0, ignored: 0 }, blockingFailures: 0, ...extra,
});

describe('flow list rows', () => {
  it('open a search hit inside a flow at that flow’s root, with the hit selected', () => {
    const hit = summary({ root: { key: 'bull:reports:r1', queue: 'reports', id: 'r1' } });
    expect(rowRoute(hit)).toEqual({ view: 'flow', queue: 'reports', jobId: 'r1', select: 'bull:fetch:c1' });
    expect(isCurrentRow(hit, rowRoute(hit))).toBe(true);
    expect(isCurrentRow(hit, { view: 'flow', queue: 'reports', jobId: 'r1' })).toBe(false);
    const root = summary({ key: 'bull:reports:r1', queue: 'reports', id: 'r1', isRoot: true });
    expect(rowRoute(root)).toEqual({ view: 'flow', queue: 'reports', jobId: 'r1' });
    expect(isCurrentRow(root, { view: 'flow', queue: 'reports', jobId: 'r1', select: 'bull:fetch:c1' })).toBe(true);
  });
});
