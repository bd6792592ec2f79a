// The per-launch token as a cookie: handed to the page on its first load (`?token=`) so the
// bundle's assets and the WebSocket carry it, out of reach of scripts (HttpOnly) and of other
// sites' requests (SameSite=Strict); and read back from a request's Cookie header.
import type { IncomingHttpHeaders } from 'node:http';

export const TOKEN_COOKIE = 'flowscope_token';

/** The Set-Cookie value that hands the token to the page. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The token cookie's value; a value that is not valid percent-encoding counts as no token (never a throw). */
export function cookieToken(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== TOKEN_COOKIE) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      continue; // e.g. `flowscope_token=%`: a later, well-formed cookie of the same name may follow
    }
  }
  return undefined;
}
