// One Redis connection for the core's reads and actions, and the status the UI shows:
// connecting / connected / reconnecting / error. Reconnects for ever (at most every 2 s) so a
// Redis that comes back is picked up without a restart; through Sentinel, to the new master
// after a failover. A `redis://` URL that names a cluster node becomes a cluster client seeded
// from that node (checked with INFO cluster on the first connect).
//
// A Redis can also stop answering without closing the socket (kill -STOP, DEBUG SLEEP, a long
// script, a network blackhole): ioredis then says nothing. The health check PINGs every
// HEALTH_INTERVAL_MS (every master of a cluster), on connections of its own
// (health-connections.ts: a PING on the command connection would wait behind the replies the
// host is still reading); a PING unanswered for HEALTH_TIMEOUT_MS makes
// the status "reconnecting" with code NOT_RESPONDING, and `redis` refuses calls at once with
// REDIS_UNAVAILABLE until a PING is answered again. Every command also times out after
// COMMAND_TIMEOUT_MS. The health check only watches a client ioredis calls ready: while ioredis
// itself reconnects (a restart, a Sentinel failover) its own state is shown and left alone.
import { EventEmitter } from 'node:events';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { ConnectionState, Topology } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import type { ConnectionSettings } from '../../../shared/redis-url';
import { clusterPlan, planClient, type ClientPlan } from './client-options';
import { openHealthConnections } from './health-connections';
import { describeTopology } from './topology';
import { closeClient, reviveEnded, type RedisClient } from './redis-client';

export interface RedisConnection {
  /** The client; throws REDIS_UNAVAILABLE until the first attempt has settled. */
  readonly redis: RedisClient;
  readonly state: ConnectionState;
  readonly message: string | undefined;
  /** What is on the other end (standalone, cluster, sentinel master), once connected. */
  readonly topology: Topology | undefined;
  /** NOT_RESPONDING while the health check gets no answer (state is then 'reconnecting'). */
  readonly code: typeof NOT_RESPONDING | undefined;
  /** Resolves once the first attempt has connected or failed (never rejects). */
  readonly firstAttempt: Promise<void>;
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

/** How often the health check PINGs a connected Redis. */
export const HEALTH_INTERVAL_MS = 500;
/** A PING unanswered this long means Redis is not responding (noticed within interval + timeout). */
export const HEALTH_TIMEOUT_MS = 1000;
/** No command of the command connection waits longer than this for its answer. */
export const COMMAND_TIMEOUT_MS = 10_000;
export const NOT_RESPONDING = 'NOT_RESPONDING';

const COMMAND_OPTIONS: RedisOptions = {
  // A call while Redis is away fails after one reconnect attempt instead of hanging.
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(200 * times, 2000),
  connectTimeout: 5000,
  // A Redis that stops answering: the command fails instead of waiting for ever. Blocking reads
  // (the live XREAD) are on their own connections, opened without it.
  commandTimeout: COMMAND_TIMEOUT_MS,
};

const notRespondingMessage = () =>
  `Redis is not responding: no answer to PING within ${HEALTH_TIMEOUT_MS} ms (paused, busy or cut off); calls fail until it answers`;

/** Opens the client a plan describes. */
export function openPlannedClient(plan: ClientPlan): RedisClient {
  return plan.kind === 'cluster' ? new Cluster(plan.nodes, plan.options) : new Redis(plan.options);
}

/** Whether the server behind a plain client runs in cluster mode. */
export async function clusterEnabled(client: Redis): Promise<boolean> {
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
  /** False while a PING has gone unanswered past HEALTH_TIMEOUT_MS. */
  let responding = true;

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
  const healthConnections = openHealthConnections();
  let client: RedisClient = openPlannedClient(plan);
  if (client instanceof Redis && plan.endpoint.topology === 'sentinel') reviveEnded(client, () => closed);

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
    healthConnections.follow(from);
    settled = true; // the client is usable before anyone hears it is connected
    set('connected');
    settle();
  };

  // ---- health check --------------------------------------------------------------------
  // One PING out at a time. Its generation is bumped whenever ioredis changes the connection
  // (ready, reconnecting, end), so a PING sent on a socket that is gone decides nothing.
  let probeGeneration = 0;
  let probing = false;
  const setResponding = (value: boolean) => {
    if (responding === value) return;
    responding = value;
    emitter.emit('change');
  };
  const probe = () => {
    const c = client;
    if (closed || probing || state !== 'connected' || c.status !== 'ready') return;
    probing = true;
    const mine = probeGeneration;
    const timer = setTimeout(() => {
      if (mine === probeGeneration && !closed && state === 'connected' && c === client && c.status === 'ready') setResponding(false);
    }, HEALTH_TIMEOUT_MS);
    timer.unref();
    healthConnections.pingAll(c).then(
      () => {
        clearTimeout(timer);
        if (mine !== probeGeneration) return; // a PING of a connection since replaced
        probing = false;
        if (c === client && !closed) setResponding(true);
      },
      () => {
        // A reply error still came from Redis; a timeout or a closed socket (a health
        // connection killed, moved) is left to the timer above and to ioredis's own events.
        clearTimeout(timer);
        if (mine === probeGeneration) probing = false;
      },
    );
  };
  const health = setInterval(probe, HEALTH_INTERVAL_MS);
  health.unref();
  const connectionChanged = () => {
    probeGeneration++;
    probing = false;
    setResponding(true);
  };

  function wire(c: RedisClient) {
    c.on('ready', () => {
      if (c === client) connectionChanged();
      void ready(c);
    });
    c.on('error', (err: Error) => {
      if (c !== client) return;
      // ioredis reports every failed attempt here; the state follows from 'reconnecting'.
      message = err.message;
      if (state === 'connecting') {
        set('error', `Cannot reach Redis: ${err.message}`);
        settle();
      }
    });
    c.on('reconnecting', () => {
      if (c !== client) return;
      connectionChanged();
      set('reconnecting', message ? `Reconnecting: ${message}` : 'Reconnecting');
    });
    c.on('end', () => {
      if (c !== client) return;
      connectionChanged();
      set('error', 'Connection closed');
    });
  }
  wire(client);

  return {
    get redis() {
      if (!settled) throw new FlowscopeError('REDIS_UNAVAILABLE', 'Redis is still connecting');
      if (!responding) throw new FlowscopeError('REDIS_UNAVAILABLE', notRespondingMessage());
      return client;
    },
    get state() {
      return state === 'connected' && !responding ? 'reconnecting' : state;
    },
    get message() {
      return state === 'connected' && !responding ? notRespondingMessage() : message;
    },
    get code() {
      return state === 'connected' && !responding ? NOT_RESPONDING : undefined;
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
      clearInterval(health);
      healthConnections.close();
      emitter.removeAllListeners();
      closeClient(client);
      settle();
    },
  };
}
