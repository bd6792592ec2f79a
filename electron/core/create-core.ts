// createCore(): the whole Flowscope core for one connection, with no Electron in sight.
// Shells (desktop, web host, CLI) create it, forward calls to dispatch(), forward events to
// their clients, and close() it on exit.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { EventMap, EventName, PushEvent } from '../../shared/contract';
import type { AppInfo, ConnectionStatus } from '../../shared/domain';
import { FlowscopeError, toErrorPayload } from '../../shared/errors';
import { redactUrl } from './connection/redact-url';
import { openRedisConnection, type RedisConnection } from './connection/redis-connection';
import { startSandbox, type Sandbox } from './connection/sandbox';
import { createDispatch, type Dispatch } from './dispatch';
import { stderrLogger, type Logger } from './log/logger';
import { discoverQueues } from './queues/discover-queues';
import { createQueueWatcher } from './queues/queue-watcher';
import { queueHandlers } from './queues/queue-handlers';
import { flowHandlers } from './flows/flow-handlers';
import type { CoreContext } from './core-context';
import { createFlowSubscriptions } from './live/flow-subscriptions';
import { liveHandlers } from './live/live-handlers';
import { APP_VERSION } from './version';

export interface CoreOptions {
  shell: AppInfo['shell'];
  /** Redis to connect to; when absent the core starts a sandbox redis-server. */
  redisUrl?: string;
  prefix?: string;
  /** Folder for the sandbox's data and (later) the audit log. */
  dataDir: string;
  redisServerPath?: string;
  readOnly?: boolean;
  log?: Logger;
  /** How often the queue list is refreshed while clients listen. */
  queuePollMs?: number;
}

export interface Core {
  dispatch: Dispatch;
  /**
   * Subscribe to push events; returns the unsubscribe function. Events meant for one session
   * (a flow view's patches) reach only the listener registered with that session.
   */
  onEvent(listener: (event: PushEvent) => void, session?: string): () => void;
  /** Drops what a client session held (its flow views) when it disconnects. */
  closeSession(session: string): void;
  status(): ConnectionStatus;
  /** Resolves when the first connection attempt connected or failed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? stderrLogger('warn');
  const prefix = options.prefix ?? 'bull';
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let listeners = 0;
  let sandbox: Sandbox | undefined;
  let connection: RedisConnection | undefined;
  let startError: FlowscopeError | undefined;

  const kind: ConnectionStatus['kind'] = options.redisUrl ? 'url' : 'sandbox';
  let target = options.redisUrl ? redactUrl(options.redisUrl) : 'sandbox (starting)';

  const status = (): ConnectionStatus => {
    const base = { kind, target, prefix, readOnly: options.readOnly ?? false };
    if (startError) return { ...base, state: 'error', code: startError.code, message: startError.message };
    if (!connection) return { ...base, state: 'connecting' };
    const s = connection.state;
    return connection.message && s !== 'connected' ? { ...base, state: s, message: connection.message } : { ...base, state: s };
  };

  const emit = <E extends EventName>(event: E, payload: EventMap[E], session?: string) => {
    emitter.emit('event', { event, payload } as PushEvent, session);
  };

  const redis = () => {
    if (!connection) throw startError ?? new FlowscopeError('REDIS_UNAVAILABLE', 'Redis is still starting');
    return connection.redis;
  };

  const watcher = createQueueWatcher(() => discoverQueues(redis(), prefix), (q) => emit('queues', q), options.queuePollMs);

  const ready = (async () => {
    try {
      let url = options.redisUrl;
      if (!url) {
        sandbox = await startSandbox({
          dataDir: join(options.dataDir, 'sandbox-redis'),
          binary: options.redisServerPath,
          persist: true,
        });
        url = sandbox.url;
        target = `sandbox ${sandbox.url}`;
        log.info('sandbox redis-server started', { url, dataDir: sandbox.dataDir });
      }
      connection = openRedisConnection(url);
      connection.onChange(() => {
        emit('connectionStatus', status());
        if (connection?.state === 'connected') void watcher.refresh().catch(() => undefined);
      });
      emit('connectionStatus', status());
      await connection.firstAttempt;
    } catch (err) {
      startError = err instanceof FlowscopeError ? err : new FlowscopeError('REDIS_UNAVAILABLE', toErrorPayload(err).message);
      log.error('could not start the connection', { code: startError.code, message: startError.message });
      emit('connectionStatus', status());
    }
  })();

  const ctx: CoreContext = { prefix, readOnly: options.readOnly ?? false, log, redis, emit };
  const subscriptions = createFlowSubscriptions({
    redis,
    prefix,
    log,
    sendPatch: (session, patch) => emit('flowPatch', patch, session),
    sendSnapshot: (session, snapshot) => emit('flowSnapshot', snapshot, session),
  });
  const dispatch = createDispatch(
    {
      getAppInfo: () => ({ name: 'Flowscope', version: APP_VERSION, shell: options.shell }),
      getConnectionStatus: () => status(),
      ...queueHandlers(ctx),
      ...flowHandlers(ctx),
      ...liveHandlers(subscriptions),
    },
    log,
  );

  return {
    dispatch,
    onEvent(listener, session) {
      const filtered = (event: PushEvent, target?: string) => {
        if (target === undefined || target === session) listener(event);
      };
      emitter.on('event', filtered);
      if (++listeners === 1) watcher.start();
      return () => {
        emitter.off('event', filtered);
        if (--listeners === 0) watcher.stop();
      };
    },
    closeSession: (session) => subscriptions.closeSession(session),
    status,
    ready,
    async close() {
      watcher.stop();
      await ready;
      await subscriptions.close();
      await connection?.close();
      await sandbox?.stop();
      emitter.removeAllListeners();
    },
  };
}
