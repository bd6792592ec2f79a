// The web host's gate: per-launch token, own-Origin and own-Host checks. Pure functions of a
// request's headers and URL, so they are unit-tested without a server.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { clip } from '../core/log/logger';
import { cookieToken } from './token-cookie';

export interface HostIdentity {
  host: string;
  port: number;
  token: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Host names this server answers to: the bound one, and every loopback name when bound to loopback. */
function ownHostnames(identity: HostIdentity): string[] {
  const bound = identity.host.includes(':') ? `[${identity.host}]` : identity.host;
  return LOOPBACK_NAMES.includes(bound) ? LOOPBACK_NAMES : [bound];
}

export function ownOrigins(identity: HostIdentity): string[] {
  return ownHostnames(identity).map((h) => `http://${h}:${identity.port}`);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request presents: `?token=`, `Authorization: Bearer`, or the cookie set on first load. */
export function presentedToken(url: URL, headers: IncomingHttpHeaders): string | undefined {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return cookieToken(headers);
}

export type GateVerdict = { ok: true } | { ok: false; status: 401 | 403; code: 'UNAUTHORIZED' | 'FORBIDDEN_ORIGIN'; message: string };

/**
 * Checks one request. Browsers always send Origin on WebSocket upgrades and POSTs; a missing
 * Origin (curl, the CLI) is allowed, a foreign one never is. A foreign Host header (DNS
 * rebinding) is refused like a foreign Origin.
 */
export function checkRequest(identity: HostIdentity, url: URL, headers: IncomingHttpHeaders): GateVerdict {
  const hostHeader = headers.host;
  if (hostHeader && !ownHostnames(identity).some((h) => hostHeader === `${h}:${identity.port}`)) {
    return { ok: false, status: 403, code: 'FORBIDDEN_ORIGIN', message: `Host ${clip(hostHeader, 100)} is not this server` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !ownOrigins(identity).includes(origin)) {
    return { ok: false, status: 403, code: 'FORBIDDEN_ORIGIN', message: `Origin ${clip(origin, 100)} is not allowed` };
  }
  const token = presentedToken(url, headers);
  if (!token || !sameSecret(token, identity.token)) {
    return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'Missing or wrong token: open the URL the host printed' };
  }
  return { ok: true };
}
