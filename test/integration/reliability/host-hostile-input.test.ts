// Nothing from outside stops the web host. Request targets and cookies are sent over a plain
// socket (node:net), exactly as an attacker's page or script would, with no token: each gets an
// answer (400 / 401 / 413), and the host keeps serving everyone else.
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { memoryLogger } from '../../../electron/core/log/logger';
import { webHostForFile } from '../../helpers/core-per-file';
import { openWsTestClient } from '../../helpers/ws-test-client';

const log = memoryLogger();
const { host } = webHostForFile({ core: { log }, page: '<!doctype html><title>Flowscope test page</title>' });

/**
 * Sends raw bytes and resolves with everything the server wrote until it closed the
 * connection; rejects when no answer came within 3 s (a handler that threw never answers).
 */
function raw(text: string | Buffer, port = host.port): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(String(text).slice(0, 60))}`));
    }, 3000);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is fine; the answer is checked
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(text);
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
const hostHeader = () => `Host: 127.0.0.1:${host.port}`;
const get = (target: string, headers: string[] = []) => [`GET ${target} HTTP/1.1`, hostHeader(), 'Connection: close', ...headers, '', ''].join('\r\n');
const upgrade = (target: string, headers: string[] = []) =>
  [
    `GET ${target} HTTP/1.1`,
    hostHeader(),
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
    '',
    '',
  ].join('\r\n');

/** The host still answers a good call. */
async function stillServing(): Promise<void> {
  const res = await fetch(`${host.url}/api/getAppInfo`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: '{}' });
  expect(res.status).toBe(200);
}

const BAD_TARGETS = ['//', '/\\', '//@/', '//a:99999/x', '//[::1', '//a@b@c/', '/?token=%zz'];

describe('web host: request targets that cannot be parsed', () => {
  it.each(BAD_TARGETS)('HTTP %s gets an answer (400 or 401), and the host keeps serving', async (target) => {
    const answer = await raw(get(target));
    expect([400, 401]).toContain(statusOf(answer));
    await stillServing();
  });

  it.each(BAD_TARGETS)('WebSocket upgrade to %s gets an answer, and the host keeps serving', async (target) => {
    const answer = await raw(upgrade(target));
    expect([400, 401, 403]).toContain(statusOf(answer));
    await stillServing();
  });

  it('an absolute-form target (as sent to a proxy) is refused with 400, not followed', async () => {
    expect(statusOf(await raw(get('http://evil.example/api/listQueues')))).toBe(400);
    expect(statusOf(await raw(upgrade('http://evil.example/ws')))).toBe(400);
    await stillServing();
  });
});

describe('web host: malformed cookies', () => {
  const badCookies = ['flowscope_token=%', 'flowscope_token=%E0%A4%A', 'a=%; flowscope_token=%zz'];

  it.each(badCookies)('plain HTTP with cookie %s is 401, not 500', async (cookie) => {
    expect(statusOf(await raw(get('/', [`Cookie: ${cookie}`])))).toBe(401);
    await stillServing();
  });

  it.each(badCookies)('a WebSocket upgrade with cookie %s is 401, and the host keeps serving', async (cookie) => {
    expect(statusOf(await raw(upgrade('/ws', [`Cookie: ${cookie}`])))).toBe(401);
    await stillServing();
  });

  it('a good token next to a malformed cookie still opens the page', async () => {
    expect(statusOf(await raw(get('/', [`Cookie: other=%; flowscope_token=${encodeURIComponent(host.token)}`])))).toBe(200);
  });
});

describe('web host: clients that hang up at once', () => {
  it('upgrades refused and reset before the answer is written never stop the host', async () => {
    // Before the fix each reset was an uncaught 'error' on the upgrade socket: the host's end.
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    onTestFinished(() => void process.off('uncaughtException', onUncaught));
    for (let i = 0; i < 50; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(host.port, '127.0.0.1', () => {
          socket.write(upgrade('/ws'), () => {
            socket.resetAndDestroy();
            resolve();
          });
        });
        socket.on('error', () => undefined);
      });
    }
    await stillServing();
    expect(uncaught).toEqual([]);
  });
});

describe('web host: bodies and names from outside', () => {
  it('a body over 1 MiB gets 413 (not a connection reset) and nothing runs', async () => {
    const res = await fetch(`${host.url}/api/listQueues`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/1048576 bytes/) } });
    await stillServing();
  });

  it('a huge unknown method name is answered 404, and what is logged of it is a few hundred characters', async () => {
    const name = 'm'.repeat(12_000); // Node refuses request heads over 16 KiB itself (431)
    const before = log.entries.length;
    const res = await fetch(`${host.url}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: '{}' });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNKNOWN_METHOD');
    expect(body.error.message.length).toBeLessThan(1000);
    const logged = log.entries.slice(before);
    expect(logged.length).toBeGreaterThan(0);
    for (const entry of logged) expect(JSON.stringify(entry).length).toBeLessThan(1000);
  });

  it('WebSocket frames with a 500 KB method name, or malformed, are refused, and what is logged of them is a few hundred characters', async () => {
    const ws = await openWsTestClient(host);
    const before = log.entries.length;
    ws.send({ id: 1, method: 'n'.repeat(500_000), args: {} });
    ws.send(`{"id": 2, "method": "${'n'.repeat(500_000)}"`);
    const answers = [await ws.nextAnswer(), await ws.nextAnswer()];
    expect(answers).toMatchObject([
      { ok: false, error: { code: 'UNKNOWN_METHOD' } },
      { ok: false, error: { code: 'BAD_REQUEST' } },
    ]);
    for (const frame of answers) expect(!frame.ok && frame.error.message.length).toBeLessThan(1000);
    for (const entry of log.entries.slice(before)) expect(JSON.stringify(entry).length).toBeLessThan(1000);
    await ws.close();
  });

  it('live views are refused over plain HTTP (they could never end): use the WebSocket', async () => {
    for (const method of ['subscribeFlow', 'resyncFlow', 'unsubscribeFlow']) {
      const args = method === 'subscribeFlow' ? { queue: 'q', jobId: '1' } : { subscriptionId: 'x' };
      const res = await fetch(`${host.url}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: JSON.stringify(args) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/WebSocket/) } });
    }
  });
});
