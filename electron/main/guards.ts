// Security guards for the desktop shell. The decisions are pure functions (unit-tested);
// installGuards wires them to a window's contents and session.
import type { Session, WebContents } from 'electron';

/** The renderer's CSP: only its own scripts, no remote anything. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** The renderer's own location: a file:// page, or the dev server's origin in development. */
export function isRendererUrl(url: string, rendererUrl: string): boolean {
  try {
    const target = new URL(url);
    const own = new URL(rendererUrl);
    if (own.protocol === 'file:') return target.protocol === 'file:' && target.pathname === own.pathname;
    return target.origin === own.origin;
  } catch {
    return false;
  }
}

/** Navigation away from the renderer is never allowed (in-page hash changes do not navigate). */
export function isAllowedNavigation(url: string, rendererUrl: string): boolean {
  return isRendererUrl(url, rendererUrl);
}

/** IPC is answered only for the app's own top frame. */
export function isTrustedSender(frameUrl: string | undefined, rendererUrl: string): boolean {
  return typeof frameUrl === 'string' && isRendererUrl(frameUrl, rendererUrl);
}

export function installGuards(contents: WebContents, session: Session, rendererUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
}
