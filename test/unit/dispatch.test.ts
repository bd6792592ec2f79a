import { describe, expect, it } from 'vitest';
import { createDispatch, READ_ONLY_MESSAGE, type Handlers } from '../../electron/core/dispatch';
import { memoryLogger } from '../../electron/core/log/logger';
import { FlowscopeError } from '../../shared/errors';
import { changesRedis, METHOD_NAMES } from '../../shared/contract';

function setup(overrides: Partial<Handlers> = {}) {
  const calls: string[] = [];
  const unused = Object.fromEntries(
    METHOD_NAMES.map((m) => [m, () => Promise.reject(new Error(`${m} is not used in these tests`))]),
  );
  const handlers = {
    ...unused,
    getAppInfo: () => {
      calls.push('getAppInfo');
      return { name: 'Flowscope', version: '0.0.0', shell: 'cli' };
    },
    getConnectionStatus: () => {
      calls.push('getConnectionStatus');
      return { state: 'connected', kind: 'url', target: 'redis://x', prefix: 'bull', readOnly: false };
    },
    listQueues: () => {
      calls.push('listQueues');
      return [];
    },
    ...overrides,
  } as Handlers;
  const log = memoryLogger();
  return { dispatch: createDispatch(handlers, log), calls, log };
}

describe('dispatch', () => {
  it('passes the caller\'s session to the handler, anonymous by default', async () => {
    const sessions: string[] = [];
    const { dispatch } = setup({ listQueues: (_args, call) => (sessions.push(call.session), []) });
    await dispatch('listQueues', {}, 'ws-7');
    await dispatch('listQueues', {});
    expect(sessions).toEqual(['ws-7', 'anonymous']);
  });

  it('runs a known method with valid arguments', async () => {
    const { dispatch, calls } = setup();
    await expect(dispatch('getAppInfo', {})).resolves.toEqual({ ok: true, result: { name: 'Flowscope', version: '0.0.0', shell: 'cli' } });
    expect(calls).toEqual(['getAppInfo']);
  });

  it('treats missing arguments as an empty object', async () => {
    const { dispatch } = setup();
    await expect(dispatch('listQueues', undefined)).resolves.toEqual({ ok: true, result: [] });
  });

  it('refuses an unknown method with UNKNOWN_METHOD, runs nothing and logs it', async () => {
    const { dispatch, calls, log } = setup();
    const result = await dispatch('dropEverything', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(calls).toEqual([]);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'refused call' }));
  });

  it('refuses inherited object keys as method names', async () => {
    const { dispatch } = setup();
    await expect(dispatch('toString', {})).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    await expect(dispatch(42, {})).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses unexpected or wrong-typed arguments with BAD_REQUEST and runs nothing', async () => {
    const { dispatch, calls } = setup();
    const extra = await dispatch('listQueues', { queue: 'x' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(extra.ok ? '' : extra.error.message).toMatch(/listQueues/);
    await expect(dispatch('listQueues', 'not an object')).resolves.toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(calls).toEqual([]);
  });

  it('passes a handler FlowscopeError through with its code', async () => {
    const { dispatch } = setup({
      listQueues: () => {
        throw new FlowscopeError('READ_ONLY', 'this connection is read-only');
      },
    });
    await expect(dispatch('listQueues', {})).resolves.toEqual({ ok: false, error: { code: 'READ_ONLY', message: 'this connection is read-only' } });
  });

  it('maps a lost Redis connection to REDIS_UNAVAILABLE and other errors to INTERNAL', async () => {
    const lost = setup({
      listQueues: () => {
        throw new Error('Connection is closed.');
      },
    });
    await expect(lost.dispatch('listQueues', {})).resolves.toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
    const broken = setup({
      listQueues: () => {
        throw new TypeError('x is undefined');
      },
    });
    await expect(broken.dispatch('listQueues', {})).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'x is undefined' } });
    expect(broken.log.entries).toContainEqual(expect.objectContaining({ level: 'error', message: 'call failed' }));
  });

  it('maps a command that timed out (Redis not answering) to REDIS_UNAVAILABLE', async () => {
    const hung = setup({
      listQueues: () => {
        throw new Error('Command timed out');
      },
    });
    await expect(hung.dispatch('listQueues', {})).resolves.toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
  });

  it('answers and logs only the start of a huge unknown method name', async () => {
    const { dispatch, log } = setup();
    const result = await dispatch('x'.repeat(500_000), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(JSON.stringify(result).length).toBeLessThan(1000);
    expect(JSON.stringify(log.entries).length).toBeLessThan(1000);
  });
});

describe('dispatch on a read-only connection', () => {
  function readOnlySetup(readOnly: boolean) {
    const ran: string[] = [];
    const refusals: [string, unknown][] = [];
    const unused = Object.fromEntries(METHOD_NAMES.map((m) => [m, () => (ran.push(m), { ok: m })]));
    const dispatch = createDispatch(unused as unknown as Handlers, memoryLogger(), {
      readOnly: () => readOnly,
      onReadOnlyRefusal: (method, args) => void refusals.push([method, args]),
    });
    return { dispatch, ran, refusals };
  }

  it('refuses every call the contract says changes Redis, before its handler runs, and says so to the hook', async () => {
    const { dispatch, ran, refusals } = readOnlySetup(true);
    const key = 'bull:q:1';
    for (const [method, args] of [
      ['retryFailedChildren', { parentKey: key }],
      ['removeUnprocessed', { parentKey: key }],
      ['retryJob', { key }],
      ['removeJob', { key }],
      ['promoteJob', { key }],
      ['runScenario', { name: 'fail-fast' }],
    ] as const) {
      const answer = await dispatch(method, args);
      expect(answer, method).toMatchObject({ ok: false, error: { code: 'READ_ONLY', message: READ_ONLY_MESSAGE } });
    }
    expect(ran).toEqual([]);
    expect(refusals.map(([m]) => m)).toEqual(['retryFailedChildren', 'removeUnprocessed', 'retryJob', 'removeJob', 'promoteJob', 'runScenario']);
    expect(refusals[0]![1]).toMatchObject({ parentKey: key, dryRun: false });
  });

  it('lets previews and reads through', async () => {
    const { dispatch, ran, refusals } = readOnlySetup(true);
    await expect(dispatch('retryFailedChildren', { parentKey: 'bull:q:1', dryRun: true })).resolves.toMatchObject({ ok: true });
    await expect(dispatch('removeJob', { key: 'bull:q:1', dryRun: true })).resolves.toMatchObject({ ok: true });
    await expect(dispatch('listQueues', {})).resolves.toMatchObject({ ok: true });
    expect(ran).toEqual(['retryFailedChildren', 'removeJob', 'listQueues']);
    expect(refusals).toEqual([]);
  });

  it('runs the same calls when the connection is not read-only', async () => {
    const { dispatch, ran } = readOnlySetup(false);
    await expect(dispatch('promoteJob', { key: 'bull:q:1' })).resolves.toMatchObject({ ok: true });
    expect(ran).toEqual(['promoteJob']);
  });

  it('the contract declares what each method changes', () => {
    const changing = METHOD_NAMES.filter((m) => changesRedis(m, {}));
    expect(changing.sort()).toEqual(['promoteJob', 'removeJob', 'removeUnprocessed', 'retryFailedChildren', 'retryJob', 'runScenario']);
    expect(changesRedis('retryJob', { dryRun: true })).toBe(false);
  });
});
