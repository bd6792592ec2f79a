// What a WebSocket client that reads too slowly is owed (ws-protocol.ts): while its unread
// output is past the push limit, pushes are not sent but noted here, so that its memory on the
// host stays bounded and none of it is lost. Once it has read, it gets, in place of what it
// missed: the latest connection state, queue list and scenario runs, every watch event (up to
// MAX_HELD_WATCH_EVENTS), and a fresh snapshot of each flow view whose changes it missed (the
// live path's rule: a burst larger than a client can take ends in a resync, not a backlog).
import type { PushEvent } from '../../shared/contract';
import type { FlowPatch, FlowSnapshot } from '../../shared/domain';

/** Watch events kept for a client that is behind; past this the oldest go (each is one notification). */
export const MAX_HELD_WATCH_EVENTS = 256;
/** Changes to a view kept while its catch-up snapshot is read; past this the view is caught up again. */
export const MAX_PATCHES_DURING_CATCH_UP = 1000;

/** What a client is owed once it reads again (HeldPushes.take). */
export interface Owed {
  /** Pushes to send as they are: the latest of each kind that only its latest value matters, then the watch events. */
  pushes: PushEvent[];
  /** Flow views whose changes it missed: each gets a fresh snapshot. */
  views: string[];
}

export class HeldPushes {
  private readonly latest = new Map<PushEvent['event'], PushEvent>();
  private watch: PushEvent[] = [];
  private readonly views = new Set<string>();
  /** Views whose catch-up snapshot is being read: their changes meanwhile wait for it. */
  private readonly catchingUp = new Map<string, FlowPatch[]>();
  /** Pushes noted since the client fell behind. */
  held = 0;

  /** Notes a push the client does not get now. */
  hold(push: PushEvent): void {
    this.held++;
    switch (push.event) {
      case 'flowPatch':
      case 'flowSnapshot':
        this.views.add(push.payload.subscriptionId);
        this.catchingUp.delete(push.payload.subscriptionId);
        return;
      case 'watchEvent':
        this.watch.push(push);
        if (this.watch.length > MAX_HELD_WATCH_EVENTS) this.watch.shift();
        return;
      default:
        this.latest.set(push.event, push);
    }
  }

  /** What the client is owed, taken (noted as nothing owed from here on); its views are now catching up. */
  take(): Owed {
    const owed: Owed = { pushes: [...this.latest.values(), ...this.watch], views: [...this.views] };
    this.latest.clear();
    this.watch = [];
    this.views.clear();
    for (const view of owed.views) this.catchingUp.set(view, []);
    this.held = 0;
    return owed;
  }

  /**
   * A push the client would be sent now: false when it must wait for its view's catch-up
   * snapshot (kept for it, or the view owed again when too many came meanwhile).
   */
  passes(push: PushEvent): boolean {
    if (push.event !== 'flowPatch') return true;
    const waiting = this.catchingUp.get(push.payload.subscriptionId);
    if (!waiting) return true;
    if (waiting.length >= MAX_PATCHES_DURING_CATCH_UP) this.hold(push);
    else waiting.push(push.payload);
    return false;
  }

  /**
   * A view's catch-up snapshot is in (null: the view is gone): the pushes to send, the snapshot
   * first, then the changes made after it. Nothing when the view fell behind again meanwhile.
   */
  caughtUp(view: string, snapshot: FlowSnapshot | null): PushEvent[] {
    const waiting = this.catchingUp.get(view);
    if (!waiting) return [];
    this.catchingUp.delete(view);
    if (!snapshot) return [];
    const after = waiting.filter((patch) => patch.seq > snapshot.seq);
    return [{ event: 'flowSnapshot', payload: snapshot }, ...after.map((payload): PushEvent => ({ event: 'flowPatch', payload }))];
  }
}
