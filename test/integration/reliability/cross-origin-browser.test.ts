// A page on another origin, in real Chromium (Debian's, through Playwright), attacks the web
// host while the user has Flowscope open in the same browser (its token cookie is set): images
// whose targets are not one-slash paths (`<img src="http://127.0.0.1:PORT//">` used to end the
// host), cross-origin fetches (simple no-cors POSTs that carry the cookie, and CORS ones) and a
// cross-origin WebSocket. The host survives and keeps serving, the page learns nothing (no
// readable answer, no open socket), and Redis is unchanged, key for key.
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from '@playwright/test';
import { FlowProducer } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../electron/core/log/logger';
import { chromiumPath } from '../../helpers/browsers.js';
import { dumpKeys } from '../../helpers/actions-dump';
import { webHostForFile } from '../../helpers/core-per-file';

let evil: Server;
let evilUrl: string;
let browser: Browser;
let rootKey: string;
const log = memoryLogger();
const { redis, core, host } = webHostForFile({ core: { log }, page: '<!doctype html><title>Flowscope test page</title>' });

/** The attacker's page: every attempt, then what it could observe, in window.__results. */
function evilPage(target: string, jobKey: string): string {
  const ws = target.replace(/^http/, 'ws');
  return `<!doctype html><title>not Flowscope</title><script>
const target = ${JSON.stringify(target)};
const jobKey = ${JSON.stringify(jobKey)};
const img = (path) => new Promise((resolve) => {
  const i = new Image();
  i.onload = () => resolve('loaded');
  i.onerror = () => resolve('error');
  i.src = target + path;
});
const attempt = async (f) => { try { return await f(); } catch (e) { return 'threw ' + e.name; } };
window.__results = (async () => {
  const images = [];
  for (const path of ['//', '/\\\\', '//@/', '//a:99999/x', '//[::1', '/?token=%zz']) images.push(await img(path));
  const noCors = [];
  for (const method of ['removeJob', 'removeUnprocessed', 'retryJob']) {
    noCors.push(await attempt(async () => {
      const res = await fetch(target + '/api/' + method, { method: 'POST', mode: 'no-cors', credentials: 'include',
        headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ key: jobKey, parentKey: jobKey }) });
      return res.type + ':' + res.status + ':' + (await res.text()).length;
    }));
  }
  const cors = await attempt(async () => {
    const res = await fetch(target + '/api/removeJob', { method: 'POST', credentials: 'include',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: jobKey }) });
    return 'read ' + res.status + ' ' + (await res.text());
  });
  const socket = await new Promise((resolve) => {
    const s = new WebSocket(${JSON.stringify(ws)} + '/ws');
    s.onopen = () => {
      s.send(JSON.stringify({ id: 1, method: 'removeJob', args: { key: jobKey } }));
      s.onmessage = (m) => resolve('open, answered ' + m.data);
    };
    s.onerror = () => resolve('error');
  });
  return { images, noCors, cors, socket };
})();
</script>`;
}

beforeAll(async () => {
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  const added = await flows.add({ name: 'root', queueName: 'xo', children: [{ name: 'a', queueName: 'xo' }] });
  rootKey = `${redis.prefix}:xo:${added.job.id}`;
  await flows.close();
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(evilPage(host.url, rootKey));
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}/`;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evil?.close(resolve));
});

describe('a page on another origin in Chromium', () => {
  it('cannot stop the host, read an answer, open a socket or change Redis, even with the token cookie set', async () => {
    const before = await dumpKeys(redis.client(), redis.prefix);
    const context = await browser.newContext();
    try {
      // The user has Flowscope open: the host's own page sets the token cookie for 127.0.0.1.
      const own = await context.newPage();
      await own.goto(host.openUrl);
      expect((await context.cookies(host.url)).map((c) => c.name)).toContain('flowscope_token');

      const page = await context.newPage();
      await page.goto(evilUrl);
      const results = (await page.evaluate('window.__results')) as { images: string[]; noCors: string[]; cors: string; socket: string };
      // Every image failed (400s, never a dead connection that kills the host), nothing was readable.
      expect(results.images).toEqual(Array(6).fill('error'));
      expect(results.noCors).toEqual(Array(3).fill('opaque:0:0'));
      expect(results.cors).toBe('threw TypeError');
      expect(results.socket).toBe('error');
    } finally {
      await context.close();
    }

    // The host is alive and serves its own clients.
    const res = await fetch(`${host.url}/api/getAppInfo`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: '{}' });
    expect(res.status).toBe(200);
    expect(await core.dispatch('getFlowTree', { queue: 'xo', jobId: rootKey.split(':').pop()! })).toMatchObject({ ok: true });
    // The foreign origin was refused, on HTTP and on the upgrade.
    const refused = log.entries.filter((e) => /refused/i.test(e.message));
    expect(refused.some((e) => JSON.stringify(e).includes('FORBIDDEN_ORIGIN'))).toBe(true);
    // And Redis is as it was.
    expect(await dumpKeys(redis.client(), redis.prefix)).toEqual(before);
  });
});
