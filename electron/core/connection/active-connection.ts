// The connection the core works on right now, and switching it: a saved or given Redis URL,
// or the sandbox (a redis-server child started on first use and kept until close). The
// status the UI shows comes from here.
import { join } from 'node:path';
import type { ConnectionStatus } from '../../../shared/domain';
import { FlowscopeError, toErrorPayload } from '../../../shared/errors';
import type { Logger } from '../log/logger';
import { redactRedisUrl, type ConnectionSettings } from '../../../shared/redis-url';
import { openRedisConnection, type RedisConnection } from './redis-connection';
import { startSandbox, type Sandbox } from './sandbox';
import type { RedisClient } from './redis-client';
import { clusterPrefixWarning } from './topology';

export interface ConnectionTarget {
  id: string;
  kind: 'sandbox' | 'url';
  /** URL (with its password, never shown) and TLS / Sentinel options; absent for the sandbox. */
  settings?: ConnectionSettings;
  prefix: string;
  readOnly: boolean;
}

export interface ActiveConnection {
  target(): ConnectionTarget;
  status(): ConnectionStatus;
  redis(): RedisClient;
  /** The settings in use, passwords included (for workers that need their own connections). */
  settings(): ConnectionSettings;
  /** Closes the current connection and opens the given one; resolves after the first attempt. */
  open(target: ConnectionTarget): Promise<void>;
  onChange(listener: () => void): void;
  close(): Promise<void>;
}

export function createActiveConnection(options: { dataDir: string; redisServerPath?: string; log: Logger }): ActiveConnection {
  const { log } = options;
  let sandbox: Promise<Sandbox> | undefined;
  let current: ConnectionTarget = { id: 'sandbox', kind: 'sandbox', prefix: 'bull', readOnly: false };
  let connection: RedisConnection | undefined;
  let failure: FlowscopeError | undefined;
  let sandboxUrl: string | undefined;
  let generation = 0;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());

  const shownTarget = () =>
    current.kind === 'sandbox' ? (sandboxUrl ? `sandbox ${sandboxUrl}` : 'sandbox (starting)') : redactRedisUrl(current.settings?.url ?? '');

  const status = (): ConnectionStatus => {
    const base = { connectionId: current.id, kind: current.kind, target: shownTarget(), prefix: current.prefix, readOnly: current.readOnly };
    if (failure) return { ...base, state: 'error', code: failure.code, message: failure.message };
    if (!connection) return { ...base, state: 'connecting' };
    const s = connection.state;
    const topology = connection.topology;
    const warning = clusterPrefixWarning(topology, current.prefix);
    const known = { ...base, ...(topology ? { topology } : {}), ...(warning ? { warning } : {}) };
    if (connection.message && s !== 'connected') {
      return { ...known, state: s, message: connection.message, ...(connection.code ? { code: connection.code } : {}) };
    }
    return { ...known, state: s };
  };

  const startSandboxOnce = () => {
    sandbox ??= startSandbox({ dataDir: join(options.dataDir, 'sandbox-redis'), binary: options.redisServerPath, persist: true }).then((s) => {
      log.info('sandbox redis-server started', { url: s.url, dataDir: s.dataDir });
      return s;
    });
    return sandbox;
  };

  return {
    target: () => current,
    status,
    redis() {
      if (!connection) throw failure ?? new FlowscopeError('REDIS_UNAVAILABLE', 'Redis is still starting');
      return connection.redis;
    },
    settings() {
      const settings = current.kind === 'sandbox' ? (sandboxUrl ? { url: sandboxUrl } : undefined) : current.settings;
      if (!settings || !connection) throw failure ?? new FlowscopeError('REDIS_UNAVAILABLE', 'Redis is still starting');
      return settings;
    },
    async open(target) {
      const mine = ++generation;
      const previous = connection;
      connection = undefined;
      failure = undefined;
      current = target;
      await previous?.close();
      changed();
      try {
        let settings = target.settings;
        if (target.kind === 'sandbox') {
          const s = await startSandboxOnce();
          sandboxUrl = s.url;
          settings = { url: s.url };
        }
        if (mine !== generation) return; // switched again meanwhile
        const opened = openRedisConnection(settings!);
        connection = opened;
        opened.onChange(() => {
          if (connection === opened) changed();
        });
        changed();
        await opened.firstAttempt;
      } catch (err) {
        if (target.kind === 'sandbox') sandbox = undefined; // try again on the next switch
        if (mine !== generation) return;
        failure = err instanceof FlowscopeError ? err : new FlowscopeError('REDIS_UNAVAILABLE', toErrorPayload(err).message);
        log.error('could not open the connection', { code: failure.code, message: failure.message });
        changed();
      }
    },
    onChange(listener) {
      listeners.add(listener);
    },
    async close() {
      generation++;
      listeners.clear();
      await connection?.close();
      connection = undefined;
      const s = await sandbox?.catch(() => undefined);
      await s?.stop();
    },
  };
}
