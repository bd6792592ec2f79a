// Connection settings (shared/redis-url.ts) turned into ioredis options, one way for every
// client the core opens: the command connection, "Test connection", the hosted workers. TLS
// takes the CA file when one is given; Sentinel gets its own password and the failover
// detector; a cluster gets its seed nodes and options for the connection to each node.
import { readFileSync } from 'node:fs';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { FlowscopeError } from '../../../shared/errors';
import { parseRedisUrl, RedisUrlError, type ConnectionSettings, type HostPort, type RedisEndpoint } from '../../../shared/redis-url';

export type ClientPlan =
  | { kind: 'redis'; endpoint: RedisEndpoint; options: RedisOptions }
  | { kind: 'cluster'; endpoint: RedisEndpoint; nodes: HostPort[]; options: ClusterOptions };

/** Reads the URL; a bad one is a BAD_REQUEST that says what is wrong. */
export function readEndpoint(url: string): RedisEndpoint {
  try {
    return parseRedisUrl(url);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new FlowscopeError('BAD_REQUEST', err.message);
    throw err;
  }
}

function tlsOptions(settings: ConnectionSettings): RedisOptions['tls'] {
  if (!settings.tlsCaFile) return {};
  try {
    return { ca: readFileSync(settings.tlsCaFile) };
  } catch (err) {
    throw new FlowscopeError('BAD_REQUEST', `Cannot read the TLS CA file ${settings.tlsCaFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The options a connection to one data node carries (auth, TLS), without host and port. */
function nodeOptions(endpoint: RedisEndpoint, settings: ConnectionSettings): RedisOptions {
  return {
    ...(endpoint.username ? { username: endpoint.username } : {}),
    ...(endpoint.password !== undefined ? { password: endpoint.password } : {}),
    ...(endpoint.tls ? { tls: tlsOptions(settings) } : {}),
  };
}

/**
 * How to open a client for these settings. `base` holds the caller's timeouts and retry
 * rules; a `redis://` URL gives a plain client even when it names a cluster node (the
 * command connection detects cluster mode and switches, see redis-connection.ts).
 */
export function planClient(settings: ConnectionSettings, base: RedisOptions = {}): ClientPlan {
  const endpoint = readEndpoint(settings.url);
  if (settings.tlsCaFile && !endpoint.tls) {
    throw new FlowscopeError('BAD_REQUEST', 'A TLS CA file is given but the URL does not use TLS: use rediss://');
  }
  const node = nodeOptions(endpoint, settings);
  if (endpoint.topology === 'cluster') return clusterPlan(endpoint, endpoint.hosts, settings, base);
  if (endpoint.topology === 'sentinel') {
    return {
      kind: 'redis',
      endpoint,
      options: {
        ...base,
        ...node,
        db: endpoint.db,
        sentinels: endpoint.hosts,
        name: endpoint.masterName!,
        ...(settings.sentinelPassword !== undefined ? { sentinelPassword: settings.sentinelPassword } : {}),
        ...(endpoint.tls ? { enableTLSForSentinelMode: true, sentinelTLS: tlsOptions(settings) } : {}),
        // Sentinel tells of a new master as soon as it switches (a master that hangs keeps its
        // sockets open, so no error would). Its cut can land while a reconnect is resolving the
        // master, and ioredis then ends the client: see reviveEnded() in redis-client.ts.
        failoverDetector: true,
        // A demoted master that keeps the connection answers READONLY: reconnect and resend.
        reconnectOnError: (err: Error) => (/^READONLY/.test(err.message) ? 2 : false),
        ...(base.retryStrategy ? { sentinelRetryStrategy: base.retryStrategy } : {}),
      },
    };
  }
  if (settings.sentinelPassword !== undefined) {
    throw new FlowscopeError('BAD_REQUEST', 'A Sentinel password is given but the URL is not redis+sentinel://');
  }
  const [{ host, port }] = endpoint.hosts as [HostPort];
  return { kind: 'redis', endpoint, options: { ...base, ...node, host, port, db: endpoint.db } };
}

/** A cluster client seeded from `seeds`, each node connection carrying the URL's auth and TLS. */
export function clusterPlan(endpoint: RedisEndpoint, seeds: HostPort[], settings: ConnectionSettings, base: RedisOptions = {}): ClientPlan {
  const { retryStrategy, lazyConnect, ...perNode } = base;
  return {
    kind: 'cluster',
    endpoint,
    nodes: seeds,
    options: {
      redisOptions: { ...perNode, ...nodeOptions(endpoint, settings) },
      ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      // Node addresses are used as the cluster reports them (no DNS rewriting of 127.0.0.1).
      dnsLookup: (address, callback) => callback(null, address),
      slotsRefreshTimeout: 2000,
      retryDelayOnTryAgain: 100,
      retryDelayOnClusterDown: 200,
    },
  };
}
