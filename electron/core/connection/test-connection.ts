// "Test connection": connects once with a short timeout (following a cluster node to its
// cluster, a Sentinel to its master), pings, checks the database index, and reports what it
// reached: the topology, the Redis version, the BullMQ queues under the prefix and the BullMQ
// versions they were written by. Never throws: the answer says what went wrong.
import { Redis, type RedisOptions } from 'ioredis';
import type { ConnectionTest, Topology } from '../../../shared/domain';
import type { ConnectionSettings } from '../../../shared/redis-url';
import { discoverQueues } from '../queues/discover-queues';
import { clusterPlan, planClient, type ClientPlan } from './client-options';
import type { RedisClient } from './redis-client';
import { clusterEnabled, openPlannedClient } from './redis-connection';
import { clusterPrefixWarning, describeTopology } from './topology';

const ONE_ATTEMPT: RedisOptions = { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null };

function topologyWords(t: Topology): string {
  if (t.kind === 'cluster') return `cluster of ${t.masters} master${t.masters === 1 ? '' : 's'}`;
  if (t.kind === 'sentinel') return `Sentinel master ${t.masterName} at ${t.master}`;
  return `standalone ${t.address}`;
}

async function connectOnce(plan: ClientPlan, causes: string[]): Promise<RedisClient> {
  const client = openPlannedClient(plan);
  // ioredis reports the cause (ECONNREFUSED, auth, TLS) on 'error'; the rejected call only says "closed".
  client.on('error', (err: Error) => causes.push(err.message));
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.disconnect();
    throw err;
  }
}

export async function testConnection(settings: ConnectionSettings, prefix: string): Promise<ConnectionTest> {
  const causes: string[] = [];
  let client: RedisClient | undefined;
  try {
    const plan = planClient(settings, ONE_ATTEMPT);
    client = await connectOnce(plan, causes);
    if (plan.kind === 'redis' && plan.endpoint.topology === 'single' && (await clusterEnabled(client as Redis))) {
      client.disconnect();
      const seed = { host: plan.endpoint.hosts[0]!.host, port: plan.endpoint.hosts[0]!.port };
      client = await connectOnce(clusterPlan(plan.endpoint, [seed], settings, ONE_ATTEMPT), causes);
    }
    await client.ping();
    // ioredis selects the database on connect but does not fail the connect when it cannot.
    if (plan.endpoint.db !== 0) await (client as Redis).select(plan.endpoint.db);
    const info = await client.info('server');
    const redisVersion = info.match(/redis_version:([^\r\n]+)/)?.[1];
    const topology = await describeTopology(client, plan.endpoint);
    const queues = await discoverQueues(client, prefix);
    const bullmqVersions = [...new Set(queues.map((q) => q.version).filter((v): v is string => v !== null))].sort();
    const warning = clusterPrefixWarning(topology, prefix);
    const versions = bullmqVersions.length > 0 ? `, written by ${bullmqVersions.join(', ')}` : '';
    return {
      ok: true,
      message: `Connected: Redis ${redisVersion ?? '?'}, ${topologyWords(topology)}, ${queues.length} queue(s) under prefix ${prefix}${versions}`,
      redisVersion,
      queues: queues.length,
      topology,
      bullmqVersions,
      ...(warning ? { warning } : {}),
    };
  } catch (err) {
    return { ok: false, message: `Cannot connect: ${causes[0] ?? (err as Error).message}` };
  } finally {
    client?.disconnect();
  }
}
