import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../electron/host/host-guards';
import { TOKEN_COOKIE } from '../../electron/host/token-cookie';
import { parseClientFrame, parseTarget } from '../../electron/host/request-input';
import { resolveStatic } from '../../electron/host/static-files';
import { FlowscopeError } from '../../shared/errors';

const identity = { host: '127.0.0.1', port: 4100, token: 'secret-token' };
const url = (path: string) => new URL(path, 'http://host.invalid');
const own = { host: '127.0.0.1:4100' };

describe('checkRequest', () => {
  it('accepts the token from the query, a bearer header or the cookie', () => {
    expect(checkRequest(identity, url('/?token=secret-token'), own)).toEqual({ ok: true });
    expect(checkRequest(identity, url('/api/x'), { ...own, authorization: 'Bearer secret-token' })).toEqual({ ok: true });
    expect(checkRequest(identity, url('/'), { ...own, cookie: `a=b; ${TOKEN_COOKIE}=secret-token` })).toEqual({ ok: true });
  });
  it('refuses a missing or wrong token with 401', () => {
    expect(checkRequest(identity, url('/'), own)).toMatchObject({ ok: false, status: 401, code: 'UNAUTHORIZED' });
    expect(checkRequest(identity, url('/?token=secret-tokeN'), own)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(identity, url('/?token=short'), own)).toMatchObject({ ok: false, status: 401 });
  });
  it('accepts its own origin (any loopback name) and no origin, refuses a foreign one with 403', () => {
    const t = url('/?token=secret-token');
    expect(checkRequest(identity, t, { ...own, origin: 'http://127.0.0.1:4100' })).toEqual({ ok: true });
    expect(checkRequest(identity, t, { host: 'localhost:4100', origin: 'http://localhost:4100' })).toEqual({ ok: true });
    expect(checkRequest(identity, t, { ...own, origin: 'http://127.0.0.1:4101' })).toMatchObject({ status: 403, code: 'FORBIDDEN_ORIGIN' });
    expect(checkRequest(identity, t, { ...own, origin: 'https://evil.example' })).toMatchObject({ status: 403 });
  });
  it('reads a malformed token cookie as no token (401), never a throw; a well-formed one after it still counts', () => {
    for (const cookie of [`${TOKEN_COOKIE}=%`, `${TOKEN_COOKIE}=%E0%A4%A`, `a=%; ${TOKEN_COOKIE}=%zz`]) {
      expect(checkRequest(identity, url('/'), { ...own, cookie })).toMatchObject({ ok: false, status: 401 });
    }
    expect(checkRequest(identity, url('/'), { ...own, cookie: `${TOKEN_COOKIE}=%; ${TOKEN_COOKIE}=secret-token` })).toEqual({ ok: true });
  });
  it('clips a huge foreign Host or Origin in its message', () => {
    const verdict = checkRequest(identity, url('/'), { host: `${'h'.repeat(10_000)}:4100` });
    expect(verdict).toMatchObject({ ok: false, status: 403 });
    expect(!verdict.ok && verdict.message.length).toBeLessThan(300);
  });
  it('refuses a foreign Host header (DNS rebinding) with 403 even with the token', () => {
    expect(checkRequest(identity, url('/?token=secret-token'), { host: 'evil.example:4100' })).toMatchObject({ status: 403 });
  });
});

describe('parseTarget', () => {
  it('reads every path that starts with "/" as a path on this host, never as another host', () => {
    for (const target of ['//', '/\\', '//@/', '//a:99999/x', '//[::1', '//evil.example/api/x']) {
      const parsed = parseTarget(target);
      expect(parsed?.host, target).toBe('host.invalid');
    }
    expect(parseTarget('//evil.example/api/x')?.pathname).toBe('//evil.example/api/x');
    expect(parseTarget('/api/listQueues?token=t')?.searchParams.get('token')).toBe('t');
  });
  it('refuses targets that are not a path (absolute form, authority form, asterisk, empty)', () => {
    for (const target of ['http://evil.example/', 'evil.example:80', '*', '', undefined]) expect(parseTarget(target)).toBeNull();
  });
});

describe('parseClientFrame', () => {
  it('reads a well-formed frame', () => {
    expect(parseClientFrame('{"id":3,"method":"listQueues","args":{}}')).toEqual({ id: 3, method: 'listQueues', args: {} });
  });
  it.each([
    ['not json', /not valid JSON/],
    ['[1,2]', /JSON object/],
    ['{"method":"listQueues"}', /integer "id"/],
    ['{"id":1.5,"method":"x"}', /integer "id"/],
    ['{"id":1,"method":7}', /string "method"/],
  ])('refuses %s with BAD_REQUEST', (raw, message) => {
    try {
      parseClientFrame(raw);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FlowscopeError);
      expect((err as FlowscopeError).code).toBe('BAD_REQUEST');
      expect((err as FlowscopeError).message).toMatch(message);
    }
  });
});

describe('resolveStatic', () => {
  const root = process.cwd();
  it('serves files inside the root and never outside it', () => {
    expect(resolveStatic(root, '/package.json')).toBe(`${root}/package.json`);
    expect(resolveStatic(root, '/../../etc/passwd')).toBeNull();
    expect(resolveStatic(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveStatic(root, '/%E0%A4%A')).toBeNull();
    expect(resolveStatic(root, '/no-such-file')).toBeNull();
  });
});
