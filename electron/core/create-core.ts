// createCore(): the whole Flowscope core, with no Electron in sight. Shells (desktop, web
// host, CLI) create it, forward calls to dispatch(), forward events to their clients, and
// close() it on exit. It works on one active connection at a time (the sandbox, the URL it
// was given, or a saved one) and can switch.
import { EventEmitter } from 'node:events';
import type { DispatchResult, EventMap, EventName, MethodName, PushEvent } from '../../shared/contract';
import type { AppInfo, ConnectionStatus } from '../../shared/domain';
import { createActiveConnection } from './connection/active-connection';
import { connectionChoices } from './connection/connection-handlers';
import type { SecretStore } from './connection/saved-connections';
import type { CoreContext } from './core-context';
import { createDispatch, type Dispatch } from './dispatch';
import { NOT_RESPONDING } from './connection/redis-connection';
import { FlowscopeError } from '../../shared/errors';
import { flowHandlers } from './flows/flow-handlers';
import { jobFieldHandlers } from './flows/job-field-handlers';
import { flowListQueues } from './flows/flow-queues';
import { createFlowSubscriptions, type FlowSubscriptions } from './live/flow-subscriptions';
import { liveHandlers } from './live/live-handlers';
import { actionHandlers } from './actions/action-handlers';
import { lazyScenarioService } from './scenarios/lazy-scenario-service';
import { stderrLogger, type Logger } from './log/logger';
import { queueHandlers } from './queues/queue-handlers';
import { createQueueRegistry } from './queues/queue-registry';
import { createQueueWatcher } from './queues/queue-watcher';
import { queuesInAnswer } from './queues/queues-seen';
import { APP_VERSION } from './version';
import { auditHandlers } from './audit/audit-handlers';
import { exportHandlers } from './flow-export/export-handlers';
import { createWatchService } from './watch/watch-service';
import { watchHandlers } from './watch/watch-handlers';

/** Methods that never wait on Redis: they answer even while it is not responding. */
const NEEDS_NO_REDIS = new Set<string>([
  'getAppInfo',
  'getConnectionStatus',
  'listConnections',
  'saveConnection',
  'removeConnection',
  'testConnection',
  'useConnection',
  'listAudit',
  'listFlowHistory',
  'listScenarios',
  'unsubscribeFlow',
  'unwatch',
  'listWatches',
] satisfies MethodName[]);

/**
 * Calls that change Redis: one already running when Redis stops responding waits for its
 * outcome (each command gives up after COMMAND_TIMEOUT_MS) instead of being answered
 * REDIS_UNAVAILABLE while its script may still complete. New ones are refused at once.
 */
const WAITS_FOR_OUTCOME = new Set<string>([
  'retryFailedChildren',
  'removeUnprocessed',
  'retryJob',
  'removeJob',
  'promoteJob',
  'runScenario',
  'setScenarioKnobs',
  'stopScenario',
] satisfies MethodName[]);

export interface CoreOptions {
  shell: AppInfo['shell'];
  /** Redis to connect to first; when absent the core starts on its sandbox redis-server. */
  redisUrl?: string;
  /** CA file for a `rediss://` start connection with a self-signed certificate. */
  redisTlsCaFile?: string;
  /** Password of the Sentinels of a `redis+sentinel://` start connection. */
  redisSentinelPassword?: string;
  /** Prefix for the sandbox and the start connection (saved connections carry their own). */
  prefix?: string;
  /** Folder for the sandbox's data, saved connections and the audit log. */
  dataDir: string;
  redisServerPath?: string;
  readOnly?: boolean;
  /** Encrypts saved passwords at rest; without it saved connections last for this process only. */
  secrets?: SecretStore;
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
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let listeners = 0;

  const emit = <E extends EventName>(event: E, payload: EventMap[E], session?: string) => {
    emitter.emit('event', { event, payload } as PushEvent, session);
  };

  const active = createActiveConnection({ dataDir: options.dataDir, redisServerPath: options.redisServerPath, log });
  const ctx: CoreContext = {
    get prefix() {
      return active.target().prefix;
    },
    get readOnly() {
      return active.target().readOnly;
    },
    log,
    redis: () => active.redis(),
    connectionLabel: () => active.status().target,
    emit,
  };

  const newSubscriptions = () =>
    createFlowSubscriptions({
      redis: ctx.redis,
      get prefix() {
        return ctx.prefix;
      },
      log,
      // A watch's own view (watch/watch-session.ts) feeds the watch service, not a client.
      sendPatch: (session, patch) => watches.onPatch(session, patch) || emit('flowPatch', patch, session),
      sendSnapshot: (session, snapshot) => watches.onSnapshot(session, snapshot) || emit('flowSnapshot', snapshot, session),
    });
  let subscriptions: FlowSubscriptions = newSubscriptions();
  const watches = createWatchService(ctx, () => subscriptions);

  // The known queues (one SCAN, then counts by pipeline; see queues/queue-registry.ts), pushed when they change.
  const queues = createQueueRegistry({ redis: ctx.redis, prefix: () => ctx.prefix, onList: (q) => emit('queues', q) });
  const watcher = createQueueWatcher(queues, options.queuePollMs);
  // Calls waiting on Redis when it stops responding are answered at once (see `dispatch` below).
  const stalls = new Set<() => void>();
  let stalled = false;
  active.onChange(() => {
    const status = active.status();
    emit('connectionStatus', status);
    if (status.code === NOT_RESPONDING && !stalled) {
      stalled = true;
      log.warn('redis is not responding', { target: status.target });
      for (const stall of [...stalls]) stall();
    }
    if (status.state === 'connected') {
      if (stalled) {
        // Events read late and reloads that failed meanwhile: every view starts again from Redis.
        log.info('redis answers again', { target: status.target });
        subscriptions.resyncAll('redis answers again');
      }
      stalled = false;
      // Back from a restart or a wipe: the set of queues is looked for again if the keyspace moved.
      void queues.rescanIfChanged({ ignoreBackoff: true }).catch(() => undefined);
    }
  });

  // BullMQ loads with the first scenario call, not with the core (a CLI read never needs it).
  const scenarios = lazyScenarioService(ctx, () => active.settings());
  const connections = connectionChoices(active, {
    dataDir: options.dataDir,
    secrets: options.secrets,
    startup: options.redisUrl
      ? {
          url: options.redisUrl,
          ...(options.redisTlsCaFile ? { tlsCaFile: options.redisTlsCaFile } : {}),
          ...(options.redisSentinelPassword !== undefined ? { sentinelPassword: options.redisSentinelPassword } : {}),
        }
      : undefined,
    prefix: options.prefix ?? 'bull',
    readOnly: options.readOnly ?? false,
    // Views belong to the old connection: they end, and the list refreshes from the new one.
    async onSwitch() {
      await scenarios.close();
      await watches.endAll('the connection was switched');
      await subscriptions.close();
      subscriptions = newSubscriptions();
      queues.forget();
    },
  });
  const ready = active.open(connections.initial);

  // The remove-policy search reads the queues the registry knows instead of scanning the keyspace.
  const { auditRefusal, ...actions } = actionHandlers(ctx, options.dataDir, {
    queues: async () => (await queues.list()).map((q) => q.key),
  });
  const flows = flowHandlers(
    ctx,
    (session, subscriptionId, page) => subscriptions.adoptPage(session, subscriptionId, page),
    flowListQueues(queues, ctx.redis),
  );
  const dispatchNow = createDispatch(
    {
      getAppInfo: () => ({ name: 'Flowscope', version: APP_VERSION, shell: options.shell }),
      getConnectionStatus: () => active.status(),
      ...connections.handlers,
      ...queueHandlers(queues),
      ...flows,
      ...exportHandlers(flows.getFlowTree),
      ...auditHandlers(options.dataDir),
      ...jobFieldHandlers(ctx),
      ...liveHandlers(() => subscriptions),
      ...actions,
      ...scenarios.handlers,
      ...watchHandlers(watches),
    },
    log,
    { readOnly: () => ctx.readOnly, onReadOnlyRefusal: auditRefusal },
  );

  // A read that waits on Redis when it stops responding is answered REDIS_UNAVAILABLE at once
  // rather than when its commands time out (actions wait for their outcome, see above).
  const dispatch: Dispatch = (method, args, session) => {
    const call = dispatchNow(method, args, session).then((result) => {
      // Queues an answer names are known from then on, without a SCAN.
      if (result.ok) queues.note(queuesInAnswer(method, result.result));
      return result;
    });
    if (typeof method !== 'string' || NEEDS_NO_REDIS.has(method) || WAITS_FOR_OUTCOME.has(method)) return call;
    return new Promise<DispatchResult>((resolve) => {
      const stall = () =>
        resolve({
          ok: false,
          error: new FlowscopeError(
            'REDIS_UNAVAILABLE',
            `Redis stopped responding while ${method} ran, so it was not waited for: try again when the status says connected`,
          ).toPayload(),
        });
      stalls.add(stall);
      void call.then((result) => {
        stalls.delete(stall);
        resolve(result);
      });
    });
  };

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
    closeSession: (session) => {
      watches.closeSession(session);
      subscriptions.closeSession(session);
    },
    status: () => active.status(),
    ready,
    async close() {
      watcher.stop();
      await ready;
      await scenarios.close();
      await watches.close();
      await subscriptions.close();
      await active.close();
      emitter.removeAllListeners();
    },
  };
}
