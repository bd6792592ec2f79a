// What every group of handlers gets from the core: the Redis connection (or the reason there
// is none), the prefix, the read-only flag, the logger and the event emitter.
import type { RedisClient } from './connection/redis-client';
import type { EventMap, EventName } from '../../shared/contract';
import type { Logger } from './log/logger';

export interface CoreContext {
  prefix: string;
  readOnly: boolean;
  log: Logger;
  /** The connected client; throws a FlowscopeError while there is none. */
  redis(): RedisClient;
  /** Where the core points, for logs and the audit log (never with a password). */
  connectionLabel(): string;
  /** Sends an event to every client, or only to one session's. */
  emit<E extends EventName>(event: E, payload: EventMap[E], session?: string): void;
}
