// The web host over real HTTP and WebSocket, with a real core on a real Redis: the token,
// the Origin check, and bad input that is refused, logged, and harms no one else.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerFrame } from '../../shared/contract';
import { memoryLogger } from '../../electron/core/log/logger';
import { closeAfterAll, webHostForFile } from '../helpers/core-per-file';
import { openWsTestClient } from '../helpers/ws-test-client';

const log = memoryLogger();
// The renderer folder is the core's data folder; a folder beside it is linked from inside (never served).
const outsideDir = mkdtempSync(join(tmpdir(), 'flowscope-outside-'));
const { host } = webHostForFile({
  core: { log },
  page: '<!doctype html><title>Flowscope test page</title>',
  before: async ({ redis, dataDir }) => {
    mkdirSync(join(dataDir, 'assets'));
    writeFileSync(join(dataDir, 'assets', 'app.js'), 'console.log("flowscope asset");');
    writeFileSync(join(outsideDir, 'secret.txt'), 'outside secret');
    symlinkSync(join(outsideDir, 'secret.txt'), join(dataDir, 'linked-secret.txt'));
    symlinkSync(outsideDir, join(dataDir, 'linked-dir'));
    const queue = new Queue('hosted', { connection: redis.connection, prefix: redis.prefix });
    await queue.add('x', {});
    await queue.close();
  },
});
closeAfterAll()(() => rmSync(outsideDir, { recursive: true, force: true }));

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${host.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The HTTP status of a refused upgrade. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => reject(new Error('upgrade was accepted')));
    ws.once('error', () => undefined);
  });
}

describe('web host: access', () => {
  it('serves the page with the token (and sets the session cookie), refuses it without (401)', async () => {
    const ok = await fetch(host.openUrl);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Flowscope test page');
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);

    expect((await fetch(`${host.url}/`)).status).toBe(401);
    expect((await fetch(`${host.url}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${host.url}/index.html`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });

  it('refuses API calls without the token (401) and from a foreign Origin (403)', async () => {
    const noToken = await fetch(`${host.url}/api/listQueues`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const foreign = await api('listQueues', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(log.entries).toContainEqual(expect.objectContaining({ message: 'refused http request', fields: expect.objectContaining({ code: 'FORBIDDEN_ORIGIN' }) }));
  });

  it('refuses WebSocket upgrades without the token (401) or from a foreign Origin (403)', async () => {
    const wsUrl = `${host.url.replace('http', 'ws')}/ws`;
    expect(await upgradeStatus(wsUrl)).toBe(401);
    expect(await upgradeStatus(`${wsUrl}?token=${host.token}`, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${wsUrl.replace('/ws', '/other')}?token=${host.token}`)).toBe(403);
    expect(log.entries).toContainEqual(expect.objectContaining({ message: 'refused websocket upgrade' }));
  });
});

describe('web host: the renderer files', () => {
  const get = (path: string) => fetch(`${host.url}${path}`, { headers: { authorization: `Bearer ${host.token}` } });

  it('serves a file of the folder with its type, the CSP and the security headers, never cached', async () => {
    const res = await get('/assets/app.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log("flowscope asset");');
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('answers index.html, with the CSP, for a path that names no file (the page routes itself)', async () => {
    for (const path of ['/flow/q/1', '/assets/missing.js', '/assets', '/index.html/', '/%E0%A4%A']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toContain('Flowscope test page');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
    const head = await fetch(`${host.url}/flow/q/1`, { method: 'HEAD', headers: { authorization: `Bearer ${host.token}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('never serves a file outside the folder through a symlink in it: 404, and the refusal is logged', async () => {
    for (const path of ['/linked-secret.txt', '/linked-dir/secret.txt']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('outside secret');
    }
    expect(log.entries).toContainEqual(expect.objectContaining({ message: 'refused static file outside the renderer folder' }));
  });

  it('refuses other methods than GET and HEAD on the page with 405', async () => {
    const res = await fetch(`${host.url}/`, { method: 'PUT', headers: { authorization: `Bearer ${host.token}` } });
    expect(res.status).toBe(405);
  });
});

describe('web host: calls', () => {
  it('answers a valid HTTP call with the contract result', async () => {
    const res = await api('listQueues', {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, result: [{ name: 'hosted', counts: { waiting: 1 } }] });
  });

  it('refuses bad HTTP input with a clear code: malformed JSON, unknown method, wrong arguments, GET', async () => {
    const malformed = await api('listQueues', '{not json');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/not valid JSON/) } });
    const unknown = await api('flushAll', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
    const wrong = await api('listQueues', { limit: 'ten' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const get = await fetch(`${host.url}/api/listQueues`, { headers: { authorization: `Bearer ${host.token}` } });
    expect(get.status).toBe(405);
  });

  it('over WebSocket: answers calls, refuses malformed frames with BAD_REQUEST and keeps serving', async () => {
    const a = await openWsTestClient(host, { origin: host.url });
    const b = await openWsTestClient(host);

    a.send('this is not json');
    expect(await a.nextAnswer()).toMatchObject({ id: null, ok: false, error: { code: 'BAD_REQUEST' } });
    a.send({ method: 'listQueues' });
    expect(await a.nextAnswer()).toMatchObject({ id: null, ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/"id"/) } });
    a.send({ id: 1, method: 'nope' });
    expect(await a.nextAnswer()).toMatchObject({ id: 1, ok: false, error: { code: 'UNKNOWN_METHOD' } });
    a.send({ id: 2, method: 'listQueues', args: { extra: true } });
    expect(await a.nextAnswer()).toMatchObject({ id: 2, ok: false, error: { code: 'BAD_REQUEST' } });

    // The same socket and another client still work.
    a.send({ id: 3, method: 'listQueues', args: {} });
    expect(await a.nextAnswer()).toMatchObject({ id: 3, ok: true, result: [{ name: 'hosted' }] });
    b.send({ id: 9, method: 'getAppInfo' });
    expect(await b.nextAnswer()).toMatchObject({ id: 9, ok: true, result: { name: 'Flowscope', shell: 'web' } });
    expect(log.entries).toContainEqual(expect.objectContaining({ message: 'refused websocket frame' }));
    await Promise.all([a.close(), b.close()]);
  });

  it('sends the connection status to a socket as soon as it connects', async () => {
    const ws = new WebSocket(`${host.url.replace('http', 'ws')}/ws?token=${host.token}`);
    const first = await new Promise<ServerFrame>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    expect(first).toMatchObject({ push: { event: 'connectionStatus', payload: { state: 'connected', kind: 'url' } } });
    ws.close();
  });
});
