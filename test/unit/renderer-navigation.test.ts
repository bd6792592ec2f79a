// Renderer helpers without a browser: hash routes, job keys, arrow-key moves through the tree,
// JSON highlighting tokens, time words and the flow list's query.
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../shared/domain';
import { flowQuery, NO_FILTERS, PAGE_LIMIT } from '../../renderer/src/features/flows/flow-query';
import { moveSelection } from '../../renderer/src/features/keyboard/tree-navigation';
import { jsonTokens, prettyJson } from '../../renderer/src/features/inspector/json-tokens';
import { duration } from '../../renderer/src/features/inspector/time-words';
import { jobKeyParts, shortId } from '../../renderer/src/navigation/job-key';
import { formatRoute, parseRoute } from '../../renderer/src/navigation/route';

describe('routes', () => {
  it('round-trips a flow link, encoding queue names and ids', () => {
    const route = { view: 'flow', queue: 'billing:eu/2', jobId: 'order 42' } as const;
    const hash = formatRoute(route);
    expect(hash).toBe('#/flow/billing%3Aeu%2F2/order%2042');
    expect(parseRoute(hash)).toEqual(route);
    expect(parseRoute('#/flow/emails/17')).toEqual({ view: 'flow', queue: 'emails', jobId: '17' });
  });

  it('treats anything else as home', () => {
    expect(parseRoute('')).toEqual({ view: 'home' });
    expect(parseRoute('#/flow/only-queue')).toEqual({ view: 'home' });
    expect(parseRoute('#/flow/%E0%A4%A/1')).toEqual({ view: 'home' });
  });
});

describe('job keys', () => {
  it('splits a key by the known prefix, allowing ":" in queue names', () => {
    expect(jobKeyParts('bull:emails:17', 'bull')).toEqual({ queue: 'emails', id: '17' });
    expect(jobKeyParts('my:prefix:legacy:queue:9', 'my:prefix')).toEqual({ queue: 'legacy:queue', id: '9' });
    expect(jobKeyParts('other:q:3', 'bull')).toEqual({ queue: 'q', id: '3' });
    expect(jobKeyParts('bull:broken', 'bull')).toBeNull();
  });

  it('shortens long ids only', () => {
    expect(shortId('42')).toBe('42');
    expect(shortId('0b9e6c1e-8a52-4f4b-9a55-6d8c0f1a2b3c')).toBe('0b9e6c1e…');
  });
});

function n(key: string, parentKey: string | null): FlowNode {
  return {
    key, queue: 'q', id: key, name: key, state: 'waiting', parentKey, bucket: null, policy: null, attemptsMade: 0, attempts: 1,
    timestamp: null, processedOn: null, finishedOn: null, delay: 0, priority: 0, failedReason: null, blocking: false,
    childCounts: { processed: 0, unprocessed: 0, failed: 0, ignored: 0 }, depth: 0,
  };
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
