// One client of a shell (a WebSocket of the web host, a window of the desktop) attached to the
// core as one session: its pushes go to `send`, its calls carry its session, and its flow views
// end when it closes (or, with endViews, when it loads the page again). The shells keep their
// own checks (the host's token and Origin, the desktop's sender checks) in front of it.
import type { DispatchResult, PushEvent } from '../../shared/contract';
import type { Core } from './create-core';

export type SessionCore = Pick<Core, 'dispatch' | 'onEvent' | 'closeSession'>;

export interface ClientSession {
  readonly session: string;
  /** A call of this client, validated by dispatch and run in its session. */
  call(method: unknown, args: unknown): Promise<DispatchResult>;
  /** Ends the views this client opened; it stays attached (a reload is a new page). */
  endViews(): void;
  /** Stops its pushes and ends its views; later calls of close do nothing. */
  close(): void;
}

export function attachSession(core: SessionCore, session: string, send: (push: PushEvent) => void): ClientSession {
  const unsubscribe = core.onEvent(send, session);
  let closed = false;
  return {
    session,
    call: (method, args) => core.dispatch(method, args, session),
    endViews: () => {
      if (!closed) core.closeSession(session);
    },
    close: () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      core.closeSession(session);
    },
  };
}
