// Saved connections: a Redis URL (passwords kept apart), TLS CA file, prefix, name and
// read-only flag. The desktop app keeps them in connections.json with the passwords (the
// Redis one and a Sentinel's) encrypted by the secret store it injects (Electron safeStorage);
// the web host and the CLI keep them in memory for the session only. Passwords never leave
// this module except to open a connection.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SavedConnection } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import { joinRedisPassword, splitRedisPassword, type ConnectionSettings } from '../../../shared/redis-url';
import { readEndpoint } from './client-options';

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
  tlsCaFile?: string;
  /** The password, encrypted (persisted) or plain (memory only). */
  secret?: string;
  /** The Sentinel password, the same way. */
  sentinelSecret?: string;
}

export const SANDBOX_ID = 'sandbox';

export interface ConnectionInput {
  id?: string;
  name: string;
  url: string;
  prefix: string;
  readOnly: boolean;
  tlsCaFile?: string;
  sentinelPassword?: string;
}

export interface SavedConnections {
  list(): SavedConnection[];
  get(id: string): SavedConnection;
  /** The settings to connect with, passwords included. */
  settingsOf(id: string): ConnectionSettings;
  save(input: ConnectionInput): SavedConnection;
  remove(id: string): boolean;
}

function toPublic(c: StoredConnection): SavedConnection {
  return {
    id: c.id,
    name: c.name,
    url: c.url,
    prefix: c.prefix,
    readOnly: c.readOnly,
    kind: 'url',
    hasPassword: Boolean(c.secret),
    ...(c.tlsCaFile ? { tlsCaFile: c.tlsCaFile } : {}),
    ...(c.sentinelSecret ? { hasSentinelPassword: true } : {}),
  };
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
  const seal = (plain: string | undefined) => (plain === undefined ? undefined : persisted ? options.secrets!.encrypt(plain) : plain);
  const unseal = (sealed: string | undefined) => (sealed === undefined ? undefined : persisted ? options.secrets!.decrypt(sealed) : sealed);

  return {
    list: () => items.map(toPublic),
    get: (id) => toPublic(find(id)),
    settingsOf(id) {
      const c = find(id);
      const sentinelPassword = unseal(c.sentinelSecret);
      return {
        url: joinRedisPassword(c.url, unseal(c.secret)),
        ...(c.tlsCaFile ? { tlsCaFile: c.tlsCaFile } : {}),
        ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
      };
    },
    save(input) {
      if (input.id === SANDBOX_ID) throw new FlowscopeError('BAD_REQUEST', 'The sandbox connection cannot be edited');
      readEndpoint(input.url); // a BAD_REQUEST that says what is wrong
      const { url, password } = splitRedisPassword(input.url);
      const existing = input.id ? items.find((x) => x.id === input.id) : undefined;
      if (input.id && !existing) throw new FlowscopeError('NOT_FOUND', `No saved connection ${input.id}`);
      // Editing without retyping a password keeps the saved one.
      const secret = password !== undefined ? seal(password) : existing?.secret;
      const sentinelSecret = input.sentinelPassword !== undefined ? seal(input.sentinelPassword) : existing?.sentinelSecret;
      const stored: StoredConnection = {
        id: existing?.id ?? randomUUID(),
        name: input.name,
        url,
        prefix: input.prefix,
        readOnly: input.readOnly,
        ...(input.tlsCaFile ? { tlsCaFile: input.tlsCaFile } : {}),
        ...(secret ? { secret } : {}),
        ...(sentinelSecret ? { sentinelSecret } : {}),
      };
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
