// The built renderer's files (GET and HEAD), served by sirv from one folder and never from
// outside it: sirv follows symlinks, so each path is first resolved to its real path here, and
// one that lands outside the folder is a 404. A path that names no file gets index.html (the
// page routes by its hash). Every answer carries the CSP (shared/csp.ts) and the security
// headers, never cached; the first load (`?token=`) also sets the token cookie.
import { realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import sirv from 'sirv';
import { webHostCsp } from '../../shared/csp';
import { clip, type Logger } from '../core/log/logger';
import type { HostIdentity } from './host-guards';
import { refusal, sendJson } from './http-reply';
import { tokenCookie } from './token-cookie';

/** What a URL path names under the folder: a file (and the URL path that names it), or why none. */
export type StaticLookup = { file: string; urlPath: string } | { refused: 'missing' | 'outside' };

/** A URL path as sirv reads it (decodeURI when it holds a '%'; as it is when malformed), so the guard checks the file sirv opens. */
function asSirvReads(urlPath: string): string {
  if (!urlPath.includes('%')) return urlPath;
  try {
    return decodeURI(urlPath);
  } catch {
    return urlPath;
  }
}

/** The file a URL path names under root ("/" is index.html), by its real path: outside root is refused. */
export function findStatic(root: string, urlPath: string): StaticLookup {
  const path = urlPath === '/' ? '/index.html' : urlPath;
  const file = normalize(join(root, asSirvReads(path)));
  let real: string;
  try {
    real = realpathSync(file);
    const inside = relative(realpathSync(root), real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return { refused: 'outside' };
    if (!statSync(real).isFile()) return { refused: 'missing' };
  } catch {
    return { refused: 'missing' };
  }
  return { file, urlPath: path };
}

// A test seam: the lookup as a file or null, for test/unit/host-guards.test.ts.
/** The file a URL path names under root, or null when there is none or it is outside root. */
export function resolveStatic(root: string, urlPath: string): string | null {
  const found = findStatic(root, urlPath);
  return 'file' in found ? found.file : null;
}

/** The headers of every page and asset answer. */
function pageHeaders(identity: HostIdentity, url: URL): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': webHostCsp(identity.host, identity.port),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
  if (url.searchParams.has('token')) headers['set-cookie'] = tokenCookie(identity.token);
  return headers;
}

/** The renderer route: answers a request that passed the gate and is not for /api/. */
export function rendererFiles(root: string, identity: HostIdentity, log: Logger): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const dir = resolve(root);
  // dev: each file is looked up when asked (no scan at start: a rebuild while serving is served);
  // extensions: [] makes sirv open exactly the path the guard checked, no `.html` or `/index` guess.
  const serve = sirv(dir, { dev: true, extensions: [] });
  const notBuilt = (res: ServerResponse) => sendJson(res, 404, refusal('NOT_FOUND', 'The renderer is not built: run `npm run build`'));
  return (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, refusal('BAD_REQUEST', 'Method not allowed'));
      return;
    }
    let found = findStatic(dir, url.pathname);
    if ('refused' in found && found.refused === 'missing') found = findStatic(dir, '/');
    if ('refused' in found) {
      if (found.refused === 'missing') notBuilt(res);
      else {
        log.warn('refused static file outside the renderer folder', { path: clip(url.pathname) });
        sendJson(res, 404, refusal('NOT_FOUND', 'Not found'));
      }
      return;
    }
    for (const [name, value] of Object.entries(pageHeaders(identity, url))) res.setHeader(name, value);
    // sirv reads req.url: the path the guard checked (the fallback's, and no query).
    req.url = found.urlPath;
    serve(req, res, () => notBuilt(res));
  };
}
