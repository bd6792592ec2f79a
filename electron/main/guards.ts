// Security guards for the desktop shell. The decisions are pure functions (unit-tested in
// test/unit/desktop-shell.test.ts and desktop-security.test.ts, listed in
// docs/DESKTOP-SECURITY.md); installSessionGuards (once for the app) and installWindowGuards
// (per window) wire them to Electron.
import type { Session, WebContents } from 'electron';
import { DESKTOP_CSP } from '../../shared/csp';

/** The renderer's CSP (shared/csp.ts): only its own scripts, no remote anything. */
export const RENDERER_CSP = DESKTOP_CSP;

/**
 * The renderer's own page: `app://renderer/index.html` (the app's scheme, app-protocol.ts), a
 * file:// page, or the dev server's origin in development.
 */
export function isRendererUrl(url: string, rendererUrl: string): boolean {
  try {
    const target = new URL(url);
    const own = new URL(rendererUrl);
    if (own.protocol === 'file:') return target.protocol === 'file:' && target.pathname === own.pathname;
    if (own.protocol === 'app:') {
      return target.protocol === 'app:' && target.host === own.host && target.pathname === own.pathname && !target.username && !target.password;
    }
    return target.origin === own.origin;
  } catch {
    return false;
  }
}

// A test seam: exported for test/unit/desktop-shell.test.ts.
/** Navigation away from the renderer is never allowed (in-page hash changes do not navigate). */
export function isAllowedNavigation(url: string, rendererUrl: string): boolean {
  return isRendererUrl(url, rendererUrl);
}

/** IPC is answered only for frames showing the app's own renderer. */
export function isTrustedSender(frameUrl: string | undefined, rendererUrl: string): boolean {
  return typeof frameUrl === 'string' && isRendererUrl(frameUrl, rendererUrl);
}

// A test seam: exported for test/unit/desktop-security.test.ts.
/**
 * A link the page asked to open (window.open, target=_blank, a navigation away) goes to the
 * system browser only when it is plain https with no credentials in it; anything else
 * (file:, javascript:, custom schemes that start programs, http:) is dropped.
 */
export function externalUrlToOpen(url: string): string | undefined {
  try {
    const target = new URL(url);
    if (target.protocol !== 'https:' || !target.hostname || target.username || target.password) return undefined;
    return target.toString();
  } catch {
    return undefined;
  }
}

// A test seam: exported for test/unit/desktop-security.test.ts.
/**
 * The permissions the renderer may have: writing the clipboard (Copy buttons) and showing
 * notifications (a watched flow that completes, fails or gets stuck), nothing else.
 */
export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write', 'notifications'];

// A test seam: exported for test/unit/desktop-security.test.ts.
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, rendererUrl: string): boolean {
  return ALLOWED_PERMISSIONS.includes(permission) && typeof requestingUrl === 'string' && isRendererUrl(requestingUrl, rendererUrl);
}

// A test seam: exported for test/unit/desktop-security.test.ts.
/** Headers with the CSP added (for what is served over http: the dev server). */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  out['Content-Security-Policy'] = [RENDERER_CSP];
  return out;
}

/**
 * Whether safeStorage protects saved passwords here: it must be available, and on Linux backed
 * by a keyring (basic_text encrypts with a key that is a constant in Chromium).
 */
export function isSecretStorageUsable(available: boolean, platform: NodeJS.Platform, linuxBackend: string | undefined): boolean {
  if (!available) return false;
  if (platform !== 'linux') return true;
  return linuxBackend !== undefined && linuxBackend !== 'basic_text' && linuxBackend !== 'unknown';
}

// A test seam: exported for test/unit/desktop-security.test.ts.
/** What happens to a navigation the page starts: stays only on the renderer; a safe link goes to the browser. */
export function navigationDecision(url: string, rendererUrl: string): { allow: boolean; openExternal?: string } {
  if (isAllowedNavigation(url, rendererUrl)) return { allow: true };
  const external = externalUrlToOpen(url);
  return external ? { allow: false, openExternal: external } : { allow: false };
}

// A test seam: exported for test/unit/desktop-security.test.ts.
/**
 * window.open and target=_blank: never a window the page controls. The app's own flow link
 * ("Open in new window": the renderer's URL with a `#/flow/…` route) becomes a new app window
 * of the main process's making; a safe link goes to the browser; anything else is dropped.
 */
export function windowOpenDecision(
  url: string,
  rendererUrl = '',
): { response: { action: 'deny' }; openExternal?: string; openAppRoute?: string } {
  if (rendererUrl && isRendererUrl(url, rendererUrl)) {
    const hash = new URL(url).hash;
    if (/^#\/flow\/[^\s]+$/.test(hash) && hash.length <= 4096) return { response: { action: 'deny' }, openAppRoute: hash };
  }
  const external = externalUrlToOpen(url);
  return external ? { response: { action: 'deny' }, openExternal: external } : { response: { action: 'deny' } };
}

export type OpenExternal = (url: string) => void;

/** Once for the app: permissions, and the CSP header on what the session loads. */
export function installSessionGuards(session: Session, rendererUrl: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl, rendererUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => isPermissionAllowed(permission, details.requestingUrl, rendererUrl));
  session.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders) }));
}

/** Per window: no navigation away, no windows the page opens (safe links go to the browser, flow links to a new app window), no webviews. */
export function installWindowGuards(contents: WebContents, rendererUrl: string, openExternal: OpenExternal, openAppRoute: (route: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    const decision = navigationDecision(url, rendererUrl);
    if (decision.allow) return;
    event.preventDefault();
    if (decision.openExternal) openExternal(decision.openExternal);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url, rendererUrl);
    if (decision.openExternal) openExternal(decision.openExternal);
    if (decision.openAppRoute) openAppRoute(decision.openAppRoute);
    return decision.response;
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
