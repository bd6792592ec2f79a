// The app's own scheme, `app://renderer/…`, instead of file:// (Electron security checklist 18):
// a privileged standard scheme whose handler serves only the files of out/renderer, each with
// the renderer's CSP (shared/csp.ts) as a header. Which file a request gets is a pure function that never leaves
// the renderer folder (unit-tested in test/unit/desktop-app-protocol.test.ts); index.ts hands
// it to protocol.handle.
import { extname, isAbsolute, join, normalize, relative } from 'node:path';
import type { CustomScheme } from 'electron';
import { DESKTOP_CSP } from '../../shared/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
/** The page every window loads (a route is its hash: `#/flow/<queue>/<jobId>`). */
export const APP_RENDERER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Registered before the app is ready: standard (origin, relative URLs), secure (like https), fetch allowed. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const MAX_URL = 2048;

// A test seam: exported for test/unit/desktop-app-protocol.test.ts.
/**
 * The file under `root` that an `app://renderer/<path>` request names, or undefined: other
 * schemes and hosts, encoded slashes, backslashes or NULs, bad escapes, and any path that
 * resolves outside `root` are refused. `/` is `index.html`; query and hash are ignored.
 */
export function resolveAppFile(requestUrl: string, root: string): string | undefined {
  if (typeof requestUrl !== 'string' || requestUrl.length > MAX_URL) return undefined;
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return undefined;
  const raw = url.pathname;
  if (/%(2f|5c|00)/i.test(raw) || raw.includes('\\')) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const base = normalize(root);
  const file = normalize(join(base, path));
  const inside = relative(base, file);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

// A test seam: exported for test/unit/desktop-app-protocol.test.ts.
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** What the handler answers: the file with its type and the CSP, or 404 for anything refused or missing. */
export async function serveAppRequest(requestUrl: string, root: string, readFile: (file: string) => Promise<Uint8Array>): Promise<AppResponse> {
  const headers = { 'Content-Security-Policy': DESKTOP_CSP, 'X-Content-Type-Options': 'nosniff' };
  const file = resolveAppFile(requestUrl, root);
  if (file) {
    try {
      return { status: 200, headers: { ...headers, 'Content-Type': contentTypeOf(file) }, body: await readFile(file) };
    } catch {
      // missing or unreadable: the same answer as a refused path
    }
  }
  return { status: 404, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found' };
}
