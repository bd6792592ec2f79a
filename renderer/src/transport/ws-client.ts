// The web client: the same FlowscopeClient over the host's WebSocket. Reconnects with
// backoff; while the socket is down it reports a `reconnecting` connection status, so the
// badge tells the truth whichever link broke.
import type { FlowscopeClient, PushEvent, ServerFrame } from '../../../shared/contract';
import type { ConnectionStatus } from '../../../shared/domain';
import { FlowscopeError } from '../../../shared/errors';
import { unwrap } from './result';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function createWsClient(url: string): FlowscopeClient {
  const listeners = new Set<(event: PushEvent) => void>();
  const pending = new Map<number, Pending>();
  const queued: string[] = [];
  let nextId = 1;
  let socket: WebSocket | undefined;
  let attempts = 0;
  let lastStatus: ConnectionStatus | undefined;

  const emit = (event: PushEvent) => {
    if (event.event === 'connectionStatus') lastStatus = event.payload;
    for (const l of listeners) l(event);
  };

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      for (const frame of queued.splice(0)) ws.send(frame);
    };
    ws.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as ServerFrame;
      if ('push' in frame) {
        emit(frame.push);
        return;
      }
      if (frame.id === null) return;
      const waiter = pending.get(frame.id);
      if (!waiter) return;
      pending.delete(frame.id);
      try {
        waiter.resolve(unwrap(frame));
      } catch (err) {
        waiter.reject(err as Error);
      }
    };
    ws.onclose = () => {
      for (const waiter of pending.values()) {
        waiter.reject(new FlowscopeError('REDIS_UNAVAILABLE', 'Lost the connection to the Flowscope host'));
      }
      pending.clear();
      emit({
        event: 'connectionStatus',
        payload: {
          connectionId: lastStatus?.connectionId ?? '',
          kind: lastStatus?.kind ?? 'url',
          target: lastStatus?.target ?? '',
          prefix: lastStatus?.prefix ?? 'bull',
          readOnly: lastStatus?.readOnly ?? false,
          state: 'reconnecting',
          message: 'Lost the connection to the Flowscope host; retrying',
        },
      });
      attempts += 1;
      setTimeout(connect, Math.min(250 * 2 ** attempts, 4000));
    };
  };
  connect();

  return {
    call(method, args) {
      const id = nextId++;
      const frame = JSON.stringify({ id, method, args });
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
        else queued.push(frame);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The host's WebSocket URL for this page, carrying the page's token. */
export function wsUrlFor(location: Location): string {
  const token = new URLSearchParams(location.search).get('token');
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
