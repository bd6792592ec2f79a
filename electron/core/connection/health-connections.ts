// The health check's own connections. A PING sent on the command connection is answered only
// after every reply queued before it has been read, so a host still reading megabytes of
// replies (a slow link, a big tree) would count a Redis that answers at once as "not
// responding". The PINGs therefore go on small connections of their own to the same servers:
// the command client's server (a standalone Redis; through Sentinel, the master its socket is
// on now), or each master of a cluster, with the command connection's options (auth, TLS,
// timeouts). They are opened on the first PING to a server, follow the command client (a new
// master after a failover, a cluster's masters changing) and are closed with the connection.
// While one is not ready (opening, or reconnecting after a CLIENT KILL) its server is PINGed on
// the command client's own connection instead, as before.
import { Redis, type RedisOptions } from 'ioredis';
import { closeClient, isCluster, type RedisClient } from './redis-client';

/** CLIENT LIST shows the health connections under this name. */
export const HEALTH_CONNECTION_NAME = 'flowscope-health';

export interface HealthConnections {
  /**
   * Closes the health connections of servers `command` no longer talks to (a failover, a
   * cluster's masters changing). New ones open on their server's first PING, one health interval
   * after the connection is ready: a one-shot CLI command that is over by then opens none (one
   * closed while it was still being set up kept the process alive for ioredis's 2 s timer).
   */
  follow(command: RedisClient): void;
  /** PINGs every server `command` sends commands to; resolves when all answered. */
  pingAll(command: RedisClient): Promise<unknown>;
  /** Health connections open now (one per server PINGed). */
  readonly size: number;
  close(): void;
}

interface Target {
  /** host:port of the server. */
  key: string;
  options: RedisOptions;
  /** The command client's own connection to that server, for a master not located yet. */
  fallback: { ping(): Promise<unknown> };
}

const HEALTH_OPTIONS: RedisOptions = {
  connectionName: HEALTH_CONNECTION_NAME,
  // A PING sent while its connection opens waits for it (a Redis that accepts the socket but
  // never answers is then "not responding" as it should be); one whose connection attempt
  // fails, or whose socket closes under it, fails instead of being sent again: the next PING
  // decides, and a server that is really gone is reported by the command connection.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  retryStrategy: (times) => Math.min(200 * times, 2000),
  lazyConnect: false,
};

/** Options of a plain client, without what makes it go through Sentinel. */
function direct(options: RedisOptions, host: string, port: number): RedisOptions {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out on purpose
  const { sentinels, name, sentinelPassword, sentinelTLS, enableTLSForSentinelMode, failoverDetector, sentinelRetryStrategy, ...rest } = options;
  return { ...rest, host, port };
}

/** The servers the command client talks to, each with the options to reach it directly. */
function targetsOf(command: RedisClient): Target[] {
  if (isCluster(command)) {
    return command.nodes('master').map((node) => {
      const host = String(node.options.host);
      const port = Number(node.options.port);
      return { key: `${host}:${port}`, options: direct(command.options.redisOptions ?? {}, host, port), fallback: node };
    });
  }
  const o = command.options;
  if (o.sentinels?.length) {
    // The master this client resolved: where its socket is now.
    const host = command.stream?.remoteAddress;
    const port = command.stream?.remotePort;
    if (!host || !port) return [{ key: 'unresolved', options: {}, fallback: command }];
    return [{ key: `${host}:${port}`, options: direct(o, host, port), fallback: command }];
  }
  return [{ key: `${o.host}:${o.port}`, options: direct(o, String(o.host), Number(o.port)), fallback: command }];
}

export function openHealthConnections(): HealthConnections {
  const open = new Map<string, Redis>();
  let closed = false;

  const connectionFor = (target: Target): Redis | undefined => {
    if (closed || target.key === 'unresolved') return undefined;
    let client = open.get(target.key);
    if (!client) {
      client = new Redis({ ...target.options, ...HEALTH_OPTIONS });
      client.on('error', () => undefined); // the command connection reports what is wrong
      open.set(target.key, client);
    }
    return client;
  };

  /** The health connections match the command client's servers: old ones closed (new ones open on their first PING). */
  const follow = (command: RedisClient): Target[] => {
    const targets = targetsOf(command);
    const wanted = new Set(targets.map((t) => t.key));
    for (const [key, client] of open) {
      if (wanted.has(key)) continue;
      open.delete(key);
      closeClient(client);
    }
    return targets;
  };

  return {
    follow: (command) => void follow(command),
    pingAll(command) {
      const targets = follow(command);
      return Promise.all(
        targets.map((target) => {
          const own = connectionFor(target);
          return own ? own.ping() : target.fallback.ping();
        }),
      );
    },
    get size() {
      return open.size;
    },
    close() {
      closed = true;
      for (const client of open.values()) closeClient(client);
      open.clear();
    },
  };
}
