// One Redis connection for the core's reads and actions, and the status the UI shows:
// connecting / connected / reconnecting / error. Reconnects for ever (at most every 2 s) so a
// Redis that comes back is picked up without a restart; through Sentinel, to the new master
// after a failover. A `redis://` URL that names a cluster node becomes a cluster client seeded
// from that node (checked with INFO cluster on the first connect).
import { EventEmitter } from 'node:events';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { ConnectionState, Topology } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import type { ConnectionSettings } from '../../../shared/redis-url';
import { clusterPlan, planClient, type ClientPlan } from './client-options';
import { describeTopology } from './topology';
import type { RedisClient } from './redis-client';

export interface RedisConnection {
  /** The client; throws REDIS_UNAVAILABLE until the first attempt has settled. */
  readonly redis: RedisClient;
  readonly state: ConnectionState;
  readonly message: string | undefined;
  /** What is on the other end (standalone, cluster, sentinel master), once connected. */
  readonly topology: Topology | undefined;
  /** Resolves once the first attempt has connected or failed (never rejects). */
  readonly firstAttempt: Promise<void>;
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

const COMMAND_OPTIONS: RedisOptions = {
  // A call while Redis is away fails after one reconnect attempt instead of hanging.
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(200 * times, 2000),
  connectTimeout: 5000,
};

/** Opens the client a plan describes. */
export function openPlannedClient(plan: ClientPlan): RedisClient {
  return plan.kind === 'cluster' ? new Cluster(plan.nodes, plan.options) : new Redis(plan.options);
}

/** Whether the server behind a plain client runs in cluster mode. */
async function clusterEnabled(client: Redis): Promise<boolean> {
  const info = await client.info('cluster');
  return /cluster_enabled:1/.test(info);
}

export function openRedisConnection(settings: ConnectionSettings): RedisConnection {
  const emitter = new EventEmitter();
  let state: ConnectionState = 'connecting';
  let message: string | undefined;
  let topology: Topology | undefined;
  let closed = false;
  let settleFirst!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (settleFirst = resolve));
  let settled = false;

  const set = (next: ConnectionState, why?: string) => {
    if (next === state && why === message) return;
    state = next;
    message = why;
    emitter.emit('change');
  };
  const settle = () => {
    settled = true;
    settleFirst();
  };

  const plan = planClient(settings, COMMAND_OPTIONS);
  let client: RedisClient = openPlannedClient(plan);

  const ready = async (from: RedisClient) => {
    if (from !== client || closed) return;
    try {
      if (plan.endpoint.topology === 'single' && !topology && from instanceof Redis && (await clusterEnabled(from))) {
        // A node of a cluster: follow the whole cluster from it.
        const seed = { host: String(from.options.host), port: Number(from.options.port) };
        const cluster = openPlannedClient(clusterPlan(plan.endpoint, [seed], settings, COMMAND_OPTIONS));
        client = cluster;
        wire(cluster);
        from.disconnect();
        return;
      }
      topology = await describeTopology(from, plan.endpoint);
    } catch (err) {
      if (from !== client || closed) return;
      message = (err as Error).message;
      return; // the next reconnect tries again
    }
    if (from !== client || closed) return;
    settled = true; // the client is usable before anyone hears it is connected
    set('connected');
    settle();
  };

  function wire(c: RedisClient) {
    c.on('ready', () => void ready(c));
    c.on('error', (err: Error) => {
      if (c !== client) return;
      // ioredis reports every failed attempt here; the state follows from 'reconnecting'.
      message = err.message;
      if (state === 'connecting') {
        set('error', `Cannot reach Redis: ${err.message}`);
        settle();
      }
    });
    c.on('reconnecting', () => c === client && set('reconnecting', message ? `Reconnecting: ${message}` : 'Reconnecting'));
    c.on('end', () => c === client && set('error', 'Connection closed'));
  }
  wire(client);

  return {
    get redis() {
      if (!settled) throw new FlowscopeError('REDIS_UNAVAILABLE', 'Redis is still connecting');
      return client;
    },
    get state() {
      return state;
    },
    get message() {
      return message;
    },
    get topology() {
      return topology;
    },
    firstAttempt,
    onChange(listener) {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
      client.disconnect();
      settle();
    },
  };
}
