// Electron security checklist 18: the renderer is served over the app's own scheme
// (app://renderer/…), never file://; the handler's path resolution never leaves out/renderer and
// every answer carries the renderer's CSP.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_RENDERER_URL, APP_SCHEME_PRIVILEGES, contentTypeOf, resolveAppFile, serveAppRequest } from '../../electron/main/app-protocol';
import { RENDERER_CSP } from '../../electron/main/guards';

const ROOT = join(tmpdir(), 'flowscope-out', 'renderer');

describe('resolveAppFile', () => {
  it('maps app://renderer/<path> to the file under the renderer folder; / is index.html', () => {
    expect(resolveAppFile(APP_RENDERER_URL, ROOT)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppFile('app://renderer/', ROOT)).toBe(join(ROOT, 'index.html'));
    expect(resolveAppFile('app://renderer/assets/index-abc.js?v=1#x', ROOT)).toBe(join(ROOT, 'assets', 'index-abc.js'));
    expect(resolveAppFile('app://renderer/assets/a%20b.css', ROOT)).toBe(join(ROOT, 'assets', 'a b.css'));
    // The shell passes the folder with a trailing slash (a URL resolved to a path).
    expect(resolveAppFile('app://renderer/assets/x.js', `${ROOT}/`)).toBe(join(ROOT, 'assets', 'x.js'));
    expect(resolveAppFile('app://renderer/../main/index.js', `${ROOT}/`)).toBe(join(ROOT, 'main', 'index.js'));
    expect(resolveAppFile('app://renderer/..%2fmain', `${ROOT}/`)).toBeUndefined();
  });

  it('never leaves the renderer folder', () => {
    for (const url of [
      'app://renderer/../main/index.js',
      'app://renderer/%2e%2e/main/index.js',
      'app://renderer/%2E%2E/%2E%2E/etc/passwd',
      'app://renderer/assets/..%2f..%2fmain/index.js',
      'app://renderer/..%5c..%5cmain%5cindex.js',
      'app://renderer/a\\..\\..\\x',
      'app://renderer/index.html%00.png',
      'app://renderer/%E0%A4%A',
    ]) {
      const file = resolveAppFile(url, ROOT);
      if (file !== undefined) expect(file.startsWith(`${ROOT}/`), `${url} -> ${file}`).toBe(true);
    }
    // The URL parser takes an encoded dot segment as one: it climbs no higher than the root.
    expect(resolveAppFile('app://renderer/%2e%2e/main/index.js', ROOT)).toBe(join(ROOT, 'main', 'index.js'));
    expect(resolveAppFile('app://renderer/assets/..%2f..%2fmain/index.js', ROOT)).toBeUndefined();
    expect(resolveAppFile('app://renderer/index.html%00.png', ROOT)).toBeUndefined();
  });

  it('refuses other schemes, hosts, credentials, junk and overlong URLs', () => {
    for (const url of ['file:///etc/passwd', 'https://renderer/index.html', 'app://other/index.html', 'app://u:p@renderer/index.html', 'junk', `app://renderer/${'a'.repeat(3000)}`]) {
      expect(resolveAppFile(url, ROOT), url).toBeUndefined();
    }
  });
});

describe('serveAppRequest', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowscope-app-protocol-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'secret.txt'), 'not for the page');

  it('answers a renderer file with its type and the CSP as a header', async () => {
    const page = await serveAppRequest(APP_RENDERER_URL, root, (f) => readFile(f));
    expect(page.status).toBe(200);
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.headers['Content-Security-Policy']).toBe(RENDERER_CSP);
    expect(page.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(Buffer.from(page.body).toString()).toContain('<title>x</title>');
    const script = await serveAppRequest('app://renderer/assets/app.js', root, (f) => readFile(f));
    expect(script.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
  });

  it('a missing file or a path outside is 404 (with the CSP), and nothing outside is read', async () => {
    const read: string[] = [];
    const reader = (f: string) => {
      read.push(f);
      return readFile(f);
    };
    for (const url of ['app://renderer/nope.js', 'app://renderer/%2e%2e/secret.txt', 'app://renderer/..%2fsecret.txt']) {
      const answer = await serveAppRequest(url, root, reader);
      expect(answer.status, url).toBe(404);
      expect(answer.headers['Content-Security-Policy']).toBe(RENDERER_CSP);
    }
    expect(read.every((f) => f.startsWith(`${root}/`))).toBe(true);
  });

  it('content types', () => {
    expect(contentTypeOf('/a/b.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('/a/b.SVG')).toBe('image/svg+xml');
    expect(contentTypeOf('/a/b.bin')).toBe('application/octet-stream');
  });
});

describe('the shell uses the scheme', () => {
  it('is registered privileged (standard, secure) and loaded instead of file://', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
    const main = readFileSync('electron/main/index.ts', 'utf8');
    expect(main).toMatch(/protocol\.registerSchemesAsPrivileged\(\[APP_SCHEME_PRIVILEGES\]\)/);
    expect(main).toMatch(/protocol\.handle\(APP_SCHEME,/);
    expect(main).toMatch(/fromEnv\('rendererUrl'\) \?\? APP_RENDERER_URL/);
    expect(main).not.toMatch(/pathToFileURL/);
  });
});
