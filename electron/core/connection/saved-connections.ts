// Saved connections: a Redis URL (password kept apart), prefix, name and read-only flag.
// The desktop app keeps them in connections.json with the password encrypted by the secret
// store it injects (Electron safeStorage); the web host and the CLI keep them in memory for
// the session only. Passwords never leave this module except to open a connection.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SavedConnection } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import { redactUrl } from './redact-url';

/** Encrypts secrets at rest (desktop: Electron safeStorage). */
export interface SecretStore {
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

interface StoredConnection {
  id: string;
  name: string;
  /** URL without its password. */
  url: string;
  prefix: string;
  readOnly: boolean;
  /** The password, encrypted (persisted) or plain (memory only). */
  secret?: string;
}

export const SANDBOX_ID = 'sandbox';

export interface ConnectionInput {
  id?: string;
  name: string;
  url: string;
  prefix: string;
  readOnly: boolean;
}

export interface SavedConnections {
  list(): SavedConnection[];
  get(id: string): SavedConnection;
  /** The URL to connect with, password included. */
  urlOf(id: string): string;
  save(input: ConnectionInput): SavedConnection;
  remove(id: string): boolean;
}

function splitPassword(url: string): { url: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FlowscopeError('BAD_REQUEST', `Not a URL: ${redactUrl(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new FlowscopeError('BAD_REQUEST', 'A Redis URL starts with redis:// or rediss://');
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = '';
  return { url: parsed.toString().replace(/\/$/, ''), password };
}

function toPublic(c: StoredConnection): SavedConnection {
  return { id: c.id, name: c.name, url: c.url, prefix: c.prefix, readOnly: c.readOnly, kind: 'url', hasPassword: Boolean(c.secret) };
}

export function createSavedConnections(options: { file?: string; secrets?: SecretStore }): SavedConnections {
  const persisted = Boolean(options.file && options.secrets);
  let items: StoredConnection[] = [];
  if (persisted && existsSync(options.file!)) {
    try {
      const parsed = JSON.parse(readFileSync(options.file!, 'utf8')) as { connections?: StoredConnection[] };
      items = Array.isArray(parsed.connections) ? parsed.connections : [];
    } catch {
      items = [];
    }
  }
  const write = () => {
    if (!persisted) return;
    mkdirSync(dirname(options.file!), { recursive: true });
    writeFileSync(options.file!, JSON.stringify({ connections: items }, null, 2), { mode: 0o600 });
  };
  const find = (id: string) => {
    const c = items.find((x) => x.id === id);
    if (!c) throw new FlowscopeError('NOT_FOUND', `No saved connection ${id}`);
    return c;
  };

  return {
    list: () => items.map(toPublic),
    get: (id) => toPublic(find(id)),
    urlOf(id) {
      const c = find(id);
      if (!c.secret) return c.url;
      const password = persisted ? options.secrets!.decrypt(c.secret) : c.secret;
      const url = new URL(c.url);
      url.password = encodeURIComponent(password);
      return url.toString();
    },
    save(input) {
      if (input.id === SANDBOX_ID) throw new FlowscopeError('BAD_REQUEST', 'The sandbox connection cannot be edited');
      const { url, password } = splitPassword(input.url);
      const existing = input.id ? items.find((x) => x.id === input.id) : undefined;
      if (input.id && !existing) throw new FlowscopeError('NOT_FOUND', `No saved connection ${input.id}`);
      // Editing without retyping the password keeps the saved one.
      const secret = password !== undefined ? (persisted ? options.secrets!.encrypt(password) : password) : existing?.secret;
      const stored: StoredConnection = { id: existing?.id ?? randomUUID(), name: input.name, url, prefix: input.prefix, readOnly: input.readOnly, ...(secret ? { secret } : {}) };
      items = existing ? items.map((x) => (x.id === stored.id ? stored : x)) : [...items, stored];
      write();
      return toPublic(stored);
    },
    remove(id) {
      const before = items.length;
      items = items.filter((x) => x.id !== id);
      write();
      return items.length !== before;
    },
  };
}
