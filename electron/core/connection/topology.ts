// What a connection reaches, in words for people: a standalone server, a cluster of N masters,
// or the master a Sentinel names (and where it is now). Also the one cluster rule BullMQ
// imposes: every key of a queue must hash to one slot, which takes a hash tag such as `{bull}`.
import type { Redis } from 'ioredis';
import type { Topology } from '../../../shared/domain';
import type { RedisEndpoint } from '../../../shared/redis-url';
import { isCluster, type RedisClient } from './redis-client';

const address = (host: string | undefined, port: number | undefined) => `${host?.includes(':') ? `[${host}]` : host}:${port}`;

export async function describeTopology(client: RedisClient, endpoint: RedisEndpoint): Promise<Topology> {
  if (isCluster(client)) {
    const masters = client.nodes('master');
    return { kind: 'cluster', masters: masters.length, nodes: masters.map((n) => address(n.options.host, n.options.port)).sort() };
  }
  if (endpoint.topology === 'sentinel') {
    const stream = (client as Redis).stream;
    return { kind: 'sentinel', masterName: endpoint.masterName!, master: address(stream?.remoteAddress, stream?.remotePort) };
  }
  return { kind: 'standalone', address: address(client.options.host, client.options.port) };
}

/** The hash tag Redis Cluster would hash a key with this prefix by, if the prefix fixes one. */
export function hashTagOf(prefix: string): string | null {
  const open = prefix.indexOf('{');
  if (open < 0) return null;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : null;
}

/** A warning for a cluster whose prefix lets a queue's keys spread over slots (BullMQ fails there). */
export function clusterPrefixWarning(topology: Topology | undefined, prefix: string): string | undefined {
  if (topology?.kind !== 'cluster' || hashTagOf(prefix) !== null) return undefined;
  return `Prefix "${prefix}" has no hash tag: on a Redis Cluster BullMQ needs one (e.g. {${prefix}}) so that a queue's keys share a slot; queues named with their own hash tag ({name}) still work.`;
}
