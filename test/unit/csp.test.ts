// The one renderer CSP (shared/csp.ts) as each shell gets it: the desktop connects nowhere but
// itself (IPC), the web host adds exactly its own ws:// origins; everything else is the same.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, DESKTOP_CSP, webHostCsp } from '../../shared/csp';
import { RENDERER_CSP } from '../../electron/main/guards';

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0]!, d]));

describe('contentSecurityPolicy', () => {
  it('the desktop: own scripts only, connect-src only self, no remote anything', () => {
    expect(DESKTOP_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(RENDERER_CSP).toBe(DESKTOP_CSP);
    expect(DESKTOP_CSP).not.toMatch(/unsafe-eval|wss?:|https?:|\*/);
  });

  it('the web host: the same policy, connect-src adding only its own WebSocket origins', () => {
    const web = webHostCsp('127.0.0.1', 4100);
    expect(directives(web).get('connect-src')).toBe("connect-src 'self' ws://127.0.0.1:4100 ws://localhost:4100");
    const desktop = directives(DESKTOP_CSP);
    for (const [name, directive] of directives(web)) if (name !== 'connect-src') expect(directive).toBe(desktop.get(name));
    expect(web).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('lists what a shell connects to only when it says so', () => {
    expect(contentSecurityPolicy({ connectTo: [] })).toBe(DESKTOP_CSP);
    expect(contentSecurityPolicy({ connectTo: ['ws://a:1'] })).toContain("connect-src 'self' ws://a:1;");
  });
});
