// One Redis connection for the core's reads and actions, and the status the UI shows:
// connecting / connected / reconnecting / error. Reconnects for ever (at most every 2 s) so a
// Redis that comes back is picked up without a restart.
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { ConnectionState } from '../../../shared/domain';

export interface RedisConnection {
  readonly redis: Redis;
  readonly state: ConnectionState;
  readonly message: string | undefined;
  /** Resolves once the first attempt has connected or failed (never rejects). */
  readonly firstAttempt: Promise<void>;
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export function openRedisConnection(url: string): RedisConnection {
  const emitter = new EventEmitter();
  let state: ConnectionState = 'connecting';
  let message: string | undefined;
  let settleFirst!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (settleFirst = resolve));

  const redis = new Redis(url, {
    // A call while Redis is away fails after one reconnect attempt instead of hanging.
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    connectTimeout: 5000,
    lazyConnect: false,
  });

  const set = (next: ConnectionState, why?: string) => {
    if (next === state && why === message) return;
    state = next;
    message = why;
    emitter.emit('change');
  };

  redis.on('ready', () => {
    set('connected');
    settleFirst();
  });
  redis.on('error', (err: Error) => {
    // ioredis reports every failed attempt here; the state follows from 'reconnecting'.
    message = err.message;
    if (state === 'connecting') {
      set('error', `Cannot reach Redis: ${err.message}`);
      settleFirst();
    }
  });
  redis.on('reconnecting', () => set('reconnecting', message ? `Reconnecting: ${message}` : 'Reconnecting'));
  redis.on('end', () => set('error', 'Connection closed'));

  return {
    redis,
    get state() {
      return state;
    },
    get message() {
      return message;
    },
    firstAttempt,
    onChange(listener) {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
    async close() {
      emitter.removeAllListeners();
      redis.disconnect();
    },
  };
}
