// A WebSocket client of a chaos host, as the renderer talks to it: calls by id with their
// timings, and the pushes it receives (connection status, flow snapshots and patches).
import { WebSocket } from 'ws';
import type { PushEvent } from '../../shared/contract';
import type { ChaosHost } from './hosts';

export interface WsCallResult {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
  ms: number;
  /** No answer within the call's timeout. */
  hung: boolean;
}

export interface WsClient {
  call(method: string, args: unknown, timeoutMs?: number): Promise<WsCallResult>;
  pushes: { at: number; push: PushEvent }[];
  /** The first push since `since` (ms epoch) that matches, or null after `timeoutMs`. */
  nextPush(predicate: (p: PushEvent) => boolean, since: number, timeoutMs: number): Promise<{ at: number; push: PushEvent } | null>;
  close(): void;
}

export async function openWsClient(host: ChaosHost): Promise<WsClient> {
  const ws = new WebSocket(`${host.url.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(host.token)}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  const waiting = new Map<number, (frame: { ok: boolean; result?: unknown; error?: { code: string; message: string } }) => void>();
  const pushes: { at: number; push: PushEvent }[] = [];
  const listeners = new Set<() => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { id?: number | null; push?: PushEvent; ok: boolean };
    if (frame.push) {
      pushes.push({ at: Date.now(), push: frame.push });
      for (const l of [...listeners]) l();
    } else if (typeof frame.id === 'number') waiting.get(frame.id)?.(frame);
  });
  return {
    pushes,
    call(method, args, timeoutMs = 15_000) {
      const id = nextId++;
      const start = Date.now();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve({ ok: false, error: { code: 'HUNG', message: `no answer to ${method} in ${timeoutMs} ms` }, ms: Date.now() - start, hung: true });
        }, timeoutMs);
        waiting.set(id, (frame) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve({ ...frame, ms: Date.now() - start, hung: false });
        });
        ws.send(JSON.stringify({ id, method, args }));
      });
    },
    nextPush(predicate, since, timeoutMs) {
      return new Promise((resolve) => {
        const check = () => {
          const found = pushes.find((p) => p.at >= since && predicate(p.push));
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          resolve(null);
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    close: () => ws.close(),
  };
}
