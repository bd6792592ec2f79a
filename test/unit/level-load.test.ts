// A level load without Redis: the plan's calls and roles, the two decoders on replies laid out
// as load-level.lua and job-states.lua lay them out, and the ordering of replies that come in
// any order. (test/integration/tree/level-states.test.ts runs the same against a real Redis.)
import { describe, expect, it } from 'vitest';
import { decodeJobStates, decodeLevelBatch, NOT_A_JOB_KEY } from '../../electron/core/tree/level-decode';
import { planLevel } from '../../electron/core/tree/level-plan';
import { LevelLoad, type LevelRecord } from '../../electron/core/tree/load-level';

const keysOf = (n: number, queue = 'q') => Array.from({ length: n }, (_, i) => `bull:${queue}:${i}`);
/** A load-level.lua entry of a plain job with one field (`name`), no errors, no pages. */
const plain = (name: string) => `hash\u00001,0,0,0\u0000${name}`;

describe('the plan of a level load', () => {
  it('sends the first batch, then the state calls, then the other batches, each with its role', () => {
    const plan = planLevel(keysOf(120), { pageSize: 10 });
    expect(plan.batchSize).toBe(50);
    expect(plan.calls.map((c) => c.script.name)).toEqual(['load-level', 'job-states', 'load-level', 'load-level']);
    expect(plan.roles).toEqual([
      { kind: 'batch', index: 0 },
      { kind: 'states', index: 0 },
      { kind: 'batch', index: 1 },
      { kind: 'batch', index: 2 },
    ]);
    expect(plan.calls.filter((c) => c.script.name === 'load-level').map((c) => c.keys.length)).toEqual([50, 50, 20]);
    expect(plan.calls[0]!.args).toEqual([10, '0', 20_000]);
  });

  it('asks each distinct id once, groups ids by queue, cuts state calls at stateBatch and sends no state call without states', () => {
    const keys = ['bull:a:1', 'bull:b:1', 'bull:a:2', 'bull:a:1', 'loose'];
    const plan = planLevel(keys, { pageSize: 0, withParentBucket: true, stateBatch: 2, fields: ['name'] });
    expect(plan.calls.map((c) => [c.script.name, c.args])).toEqual([
      ['load-level', [0, '1', 20_000, 'name']],
      ['job-states', ['bull:a', 2, '1', '2']],
      ['job-states', ['bull:b', 1, '1']],
    ]);
    expect(plan.pieces).toEqual([[[0, 2]], [[1]]]);
    expect(plan.repeats).toEqual(new Map([[0, [3]]]));
    expect(plan.notJobKeys).toEqual([4]);
    expect(planLevel(keys, { pageSize: 0, withStates: false }).calls.map((c) => c.script.name)).toEqual(['load-level']);
  });
});

describe('the decoders', () => {
  it('read job-states codes, with the error only where the script could not read a state', () => {
    const found: [number, string, string | undefined][] = [];
    decodeJobStates(['cWx', 'WRONGTYPE bull:a:wait', 'pu'], [[0, 2, 5], [1, 3]], (i, state, error) => found.push([i, state, error]));
    expect(found).toEqual([
      [0, 'completed', undefined],
      [2, 'waiting-children', undefined],
      [5, 'unknown', 'WRONGTYPE bull:a:wait'],
      [1, 'prioritized', undefined],
      [3, 'unknown', undefined],
    ]);
  });

  it('read a load-level batch: fields, errors, parent buckets, counts and pages, a missing job and NUL bytes', () => {
    const keys = ['bull:q:1', 'bull:q:2', 'bull:q:3', 'bull:q:4'];
    const reply = [
      'hash\u00001,1,1,1\u0000parent',
      'bad bucket key',
      'processed',
      ...[2, '0', 2, 'bull:q:5', 'bull:q:6'],
      ...[1, '7', 0],
      ...[0, '0', 0],
      ...[0, '0', 0],
      'none\u00000,0,0,0\u0000',
      'hash\u00001,0,0,0\u0000a\u0000b',
      plain('leaf'),
    ];
    const records = decodeLevelBatch(reply, {
      keys,
      from: 0,
      to: 4,
      fields: ['name'],
      states: ['waiting-children', 'unknown', 'active', 'failed'],
      stateErrors: [undefined, undefined, undefined, NOT_A_JOB_KEY],
    });
    expect(records[0]).toEqual({
      key: 'bull:q:1',
      kind: 'hash',
      fields: ['parent'],
      state: 'waiting-children',
      errors: ['bad bucket key'],
      counts: { processed: 2, unprocessed: 1, failed: 0, ignored: 0 },
      pages: {
        processed: { cursor: '0', keys: ['bull:q:5', 'bull:q:6'] },
        unprocessed: { cursor: '7', keys: [] },
        failed: { cursor: '0', keys: [] },
        ignored: { cursor: '0', keys: [] },
      },
      parentBuckets: ['processed'],
    });
    expect(records.map((r) => [r.kind, r.state, r.fields, r.errors])).toEqual([
      ['hash', 'waiting-children', ['parent'], ['bad bucket key']],
      ['none', 'missing', [null], []],
      ['hash', 'active', [null], ['job hash fields contain NUL bytes; not decoded']],
      ['hash', 'failed', ['leaf'], [NOT_A_JOB_KEY]],
    ]);
  });
});

describe('the ordering of replies', () => {
  it('hands out batches in key order once the states are in, whatever order the replies come in', () => {
    const keys = keysOf(120);
    const load = new LevelLoad(keys, { pageSize: 0, fields: ['name'] });
    const batchReply = (b: number) => keys.slice(b * 50, (b + 1) * 50).map((k) => plain(k));
    const emitted: [number, LevelRecord[]][] = [];
    const emit = (records: LevelRecord[], offset: number) => emitted.push([offset, records]);
    load.accept(3, batchReply(2), emit);
    load.accept(2, batchReply(1), emit);
    expect(emitted).toEqual([]);
    load.accept(1, ['w'.repeat(120), ''], emit);
    expect(emitted).toEqual([]); // batch 0 is not in yet
    load.accept(0, batchReply(0), emit);
    expect(emitted.map(([offset, records]) => [offset, records.length])).toEqual([
      [0, 50],
      [50, 50],
      [100, 20],
    ]);
    const records = emitted.flatMap(([, r]) => r);
    expect(records.map((r) => r.key)).toEqual(keys);
    expect(records.map((r) => r.fields[0])).toEqual(keys);
    expect(new Set(records.map((r) => r.state))).toEqual(new Set(['waiting']));
  });

  it('gives a repeated key the state of its first copy', () => {
    const keys = ['bull:q:1', 'bull:q:2', 'bull:q:1'];
    const load = new LevelLoad(keys, { pageSize: 0, fields: ['name'] });
    const records = load.decodeAll([[plain('a'), plain('b'), plain('a')], ['fx', 'WRONGTYPE']]);
    expect(records.map((r) => [r.key, r.state, r.errors])).toEqual([
      ['bull:q:1', 'failed', []],
      ['bull:q:2', 'unknown', ['WRONGTYPE']],
      ['bull:q:1', 'failed', []],
    ]);
  });
});
