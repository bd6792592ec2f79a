// The one client type the core talks to: a single Redis (standalone, or the master a Sentinel
// names) or a Redis Cluster. Both are ioredis clients with the same commands; what differs
// (SCAN, SCRIPT, blocking reads) goes through the topology helpers in this folder.
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}
