// attachSession (electron/core/client-session.ts): one client of a shell as one core session.
import { describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/contract';
import { attachSession, type SessionCore } from '../../electron/core/client-session';

function fakeCore() {
  const listeners = new Map<string, (push: PushEvent) => void>();
  const calls: unknown[][] = [];
  const closed: string[] = [];
  const core: SessionCore = {
    dispatch: async (method, args, session) => {
      calls.push([method, args, session]);
      return { ok: true, result: null } as never;
    },
    onEvent: (listener, session) => {
      listeners.set(session!, listener);
      return () => listeners.delete(session!);
    },
    closeSession: (session) => void closed.push(session),
  };
  return { core, listeners, calls, closed };
}

describe('attachSession', () => {
  it('runs calls in its session, pushes to send, ends views on endViews and everything once on close', async () => {
    const { core, listeners, calls, closed } = fakeCore();
    const sent: PushEvent[] = [];
    const client = attachSession(core, 'ws-1', (push) => sent.push(push));
    await client.call('listQueues', {});
    expect(calls).toEqual([['listQueues', {}, 'ws-1']]);
    const push = { event: 'connectionStatus', payload: {} } as unknown as PushEvent;
    listeners.get('ws-1')!(push);
    expect(sent).toEqual([push]);
    client.endViews();
    expect(closed).toEqual(['ws-1']);
    expect(listeners.has('ws-1')).toBe(true);
    client.close();
    client.close();
    client.endViews();
    expect(closed).toEqual(['ws-1', 'ws-1']);
    expect(listeners.has('ws-1')).toBe(false);
  });
});
