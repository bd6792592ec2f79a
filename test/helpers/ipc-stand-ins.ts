// Stand-ins for the parts of Electron the IPC bridge (electron/main/ipc-bridge.ts) uses, for its
// unit test and the IPC fuzzing: ipcMain's handle/removeHandler, and a window's WebContents (id,
// send, destroyed, did-navigate). There is no Electron binary on the test machines; the bridge
// takes these shapes.
import type { BridgedContents, CallEvent, CallRegistry } from '../../electron/main/ipc-bridge';
import { IPC_EVENT_CHANNEL } from '../../shared/preload-api';

type Listener = (event: CallEvent, ...args: unknown[]) => unknown;

/** ipcMain as the bridge uses it: one handler per channel. */
export class StandInIpc implements CallRegistry {
  readonly handlers = new Map<string, Listener>();
  registrations = 0;
  handle(channel: string, listener: Listener) {
    // As Electron does.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.registrations++;
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

/** A window's WebContents as the bridge uses it; pushes are counted, and kept when `keep` is set. */
export class StandInWindow implements BridgedContents {
  pushes = 0;
  /** The event channel's payloads, with `keep` (the fuzzing only counts them). */
  readonly sent: unknown[] = [];
  destroyed = false;
  private readonly listeners = new Map<string, (() => void)[]>();
  constructor(
    readonly id: number,
    private readonly keep = false,
  ) {}
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, payload: unknown) {
    this.pushes++;
    if (this.keep && channel === IPC_EVENT_CHANNEL) this.sent.push(payload);
  }
  once(event: 'destroyed', listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  on(event: 'did-navigate', listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  emit(event: 'destroyed' | 'did-navigate') {
    if (event === 'destroyed') this.destroyed = true;
    for (const l of this.listeners.get(event) ?? []) l();
  }
}
