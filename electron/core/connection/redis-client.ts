// The one client type the core talks to: a single Redis (standalone, or the master a Sentinel
// names) or a Redis Cluster. Both are ioredis clients with the same commands; what differs
// (SCAN, SCRIPT, blocking reads) goes through the topology helpers in this folder.
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * Connects a client again when ioredis ended it without being asked to. Through Sentinel this
 * happens when the failover detector cuts the connection while a reconnect is resolving the
 * master ("Connection is closed" from the connector, then status `end`): the client would stay
 * down for good. `closedByUs` tells a client its owner closed apart from one that fell.
 */
export function reviveEnded(client: Redis, closedByUs: () => boolean, delayMs = 200): void {
  client.on('end', () => {
    if (closedByUs()) return;
    setTimeout(() => {
      if (!closedByUs() && client.status === 'end') client.connect().catch(() => undefined);
    }, delayMs).unref();
  });
}

/**
 * Closes a client for good, leaving no socket behind. ioredis's disconnect() ends the socket
 * and waits for the server to close it, but a socket still being set up (connected, its
 * CLIENT SETNAME / INFO not answered yet) is only destroyed by ioredis's own 2 s timer: a
 * one-shot CLI command that closed then stayed alive 2 s after its answer. Such a socket,
 * which carries nothing anyone waits for, is destroyed at once; a ready one is ended as before.
 */
export function closeClient(client: RedisClient): void {
  const settingUp = !isCluster(client) && client.status !== 'ready' ? client.stream : undefined;
  client.disconnect();
  settingUp?.destroy();
}
