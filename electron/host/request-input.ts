// What the web host reads of a client's input, before dispatch validates it: the request
// target, a bounded request body, JSON text and a WebSocket frame's envelope. A bad one is a
// FlowscopeError BAD_REQUEST (or null), never a throw of another kind.
import type { IncomingMessage } from 'node:http';
import type { ClientFrame } from '../../shared/contract';
import { FlowscopeError } from '../../shared/errors';
import { clip } from '../core/log/logger';

/** The largest request body and WebSocket frame accepted. */
export const MAX_BODY = 1024 * 1024;

/**
 * The request body, or null when it is over MAX_BODY. An oversized body is read to its end
 * and dropped (not cut off with a reset) so the client gets its 413.
 */
export function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A request target as a URL, or null when it is not an origin-form path ("/…"). Parsed
 * against a fixed origin by concatenation, so `//`, `/\`, `//@/` or `//a:99999/x` are paths
 * here, never hosts (`new URL('//…', base)` reads them as hosts, and throws on bad ones).
 */
export function parseTarget(target: string | undefined): URL | null {
  if (!target || !target.startsWith('/')) return null;
  try {
    return new URL(`http://host.invalid${target}`);
  } catch {
    return null;
  }
}

/** Parses a JSON text; a FlowscopeError BAD_REQUEST when it is not JSON. */
export function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FlowscopeError('BAD_REQUEST', `${what} is not valid JSON: ${clip((err as Error).message)}`);
  }
}

/** Validates a WebSocket frame's envelope; the dispatcher validates its arguments. */
export function parseClientFrame(raw: string): ClientFrame {
  const value = parseJson(raw, 'Frame');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FlowscopeError('BAD_REQUEST', 'Frame must be a JSON object {id, method, args}');
  }
  const frame = value as Record<string, unknown>;
  if (typeof frame.id !== 'number' || !Number.isSafeInteger(frame.id)) {
    throw new FlowscopeError('BAD_REQUEST', 'Frame needs an integer "id"');
  }
  if (typeof frame.method !== 'string') throw new FlowscopeError('BAD_REQUEST', 'Frame needs a string "method"');
  return { id: frame.id, method: frame.method, args: frame.args };
}
