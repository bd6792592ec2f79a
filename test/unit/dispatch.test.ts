import { describe, expect, it } from 'vitest';
import { createDispatch, type Handlers } from '../../electron/core/dispatch';
import { memoryLogger } from '../../electron/core/log/logger';
import { FlowscopeError } from '../../shared/errors';
import { METHOD_NAMES } from '../../shared/contract';

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
