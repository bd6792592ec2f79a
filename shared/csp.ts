// The one Content-Security-Policy of the renderer, for every shell that serves it: the desktop
// (app:// protocol and the dev server's headers, electron/main) and the web host
// (electron/host). Pure: no Node, no DOM, no electron. What differs between shells is an
// explicit option, never a copy of the policy.

export interface CspOptions {
  /**
   * Where the page may connect beyond its own origin: the web host lists its own ws:// origins
   * (the renderer's WebSocket); the desktop talks over IPC and lists none.
   */
  connectTo: readonly string[];
}

/** The policy: only the renderer's own scripts, no remote anything, no plugins, no framing. */
export function contentSecurityPolicy(options: CspOptions): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...options.connectTo].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The desktop's policy: calls go over IPC, so the page connects nowhere but itself. */
export const DESKTOP_CSP = contentSecurityPolicy({ connectTo: [] });

/** The web host's policy: the page's WebSocket to the host it was loaded from. */
export function webHostCsp(host: string, port: number): string {
  return contentSecurityPolicy({ connectTo: [`ws://${host}:${port}`, `ws://localhost:${port}`] });
}
