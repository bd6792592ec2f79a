// Which event streams the live views follow, on the one shared stream reader (stream-reader.ts):
// the `P:Q:events` stream of every queue with a node in some view, from the position taken
// before that view's load. It turns what the reader reports into work for the views: an entry
// names a job (re-read it), a gap or a key that is not a stream asks for a reload.
import { queueKeyOf, queueKeys } from '../../../shared/job-keys';
import type { FlowSubscriptionsDeps } from './flow-subscriptions';
import type { LiveFlowView } from './flow-view';
import { createStreamReader, lastStreamId, type StreamEntry, type StreamReader } from './stream-reader';

/** The core's connection, prefix (read at each use: it follows a connection switch) and log. */
export type LiveCore = Pick<FlowSubscriptionsDeps, 'redis' | 'prefix' | 'log'>;

export interface StreamFollowHandlers {
  /** The views open now. */
  views(): Iterable<LiveFlowView>;
  /** Events named these jobs of the view's queues: re-read them. */
  touched(view: LiveFlowView, keys: string[]): void;
  /** The view may have missed events: reload it (logged as a resync). */
  resync(view: LiveFlowView, why: string): void;
  /** A stream of the view is not a stream: reload it, so its snapshot says so. */
  reload(view: LiveFlowView): void;
}

export interface StreamFollow {
  /** The current positions of these queues' streams, to follow them from once a load is done. */
  positions(queues: string[]): Promise<Map<string, string>>;
  /** Follows the streams of every queue in the view; returns the queue keys newly followed. */
  follow(view: LiveFlowView, positions?: Map<string, string>): Promise<Set<string>>;
  /** Stops following streams no open view needs any more. */
  unfollowUnused(): void;
  /** What the view's snapshot says of its queues whose events key is not a stream. */
  warnings(view: LiveFlowView): string[];
  close(): Promise<void>;
}

/** The events stream of a queue key (`P:Q` -> `P:Q:events`). */
export const streamOf = (queueKey: string): string => queueKeys(queueKey).events;
/** What streamOf appends. */
export const EVENTS_SUFFIX = streamOf('');
/**
 * How far (stream time) the views' reader may fall behind a stream before it skips ahead and
 * the views on it resync: what a view cannot take in within this is a burst, not a backlog.
 */
export const LIVE_MAX_LAG_MS = 1000;

export function createStreamFollow(core: LiveCore, handlers: StreamFollowHandlers): StreamFollow {
  let reader: StreamReader | undefined;

  function onEntries(entries: StreamEntry[]): void {
    const keys = new Set<string>();
    for (const entry of entries) {
      const jobId = entry.fields.jobId;
      if (!jobId) continue;
      keys.add(`${entry.stream.slice(0, -EVENTS_SUFFIX.length)}:${jobId}`);
    }
    if (keys.size === 0) return;
    for (const view of handlers.views()) {
      const inView = view.queueKeys();
      const relevant = [...keys].filter((k) => inView.has(queueKeyOf(k)));
      if (relevant.length > 0) handlers.touched(view, relevant);
    }
  }

  /** The open views that follow one of these streams. */
  function viewsOn(streams: Set<string>): LiveFlowView[] {
    return [...handlers.views()].filter((view) => [...view.queueKeys()].some((q) => streams.has(streamOf(q))));
  }

  function onGap(streams: string[], why: string): void {
    for (const view of viewsOn(new Set(streams))) handlers.resync(view, why);
  }

  /** Keys found not to be streams: logged once each, and the views that wanted them say so. */
  function onBadStreams(streams: { stream: string; type: string }[]): void {
    for (const { stream, type } of streams) {
      core.log.warn('events key has the wrong type: live updates of its queue are off until it is a stream again', { stream, type });
    }
    for (const view of viewsOn(new Set(streams.map((s) => s.stream)))) handlers.reload(view);
  }

  return {
    async positions(queues) {
      // One round trip: the reads go out together.
      const ids = await Promise.all(queues.map((queueKey) => lastStreamId(core.redis(), streamOf(queueKey))));
      return new Map(queues.map((queueKey, i) => [streamOf(queueKey), ids[i]!]));
    },
    async follow(view, positions) {
      reader ??= createStreamReader(core.redis(), { onEntries, onGap, onBadStreams }, { maxLagMs: LIVE_MAX_LAG_MS });
      const watched = new Set(reader.streams());
      const added = new Set<string>();
      for (const queueKey of view.queueKeys()) {
        const stream = streamOf(queueKey);
        if (watched.has(stream)) continue;
        reader.add(stream, positions?.get(stream) ?? (await lastStreamId(core.redis(), stream)));
        added.add(queueKey);
      }
      return added;
    },
    unfollowUnused() {
      if (!reader) return;
      const needed = new Set<string>();
      for (const view of handlers.views()) for (const q of view.queueKeys()) needed.add(streamOf(q));
      for (const stream of reader.streams()) if (!needed.has(stream)) reader.remove(stream);
    },
    warnings(view) {
      const bad = reader?.badStreams() ?? new Map<string, string>();
      return [...view.queueKeys()]
        .filter((q) => bad.has(streamOf(q)))
        .map((q) => `${streamOf(q)} is a ${bad.get(streamOf(q))}, not a stream: changes in queue ${q.slice(core.prefix.length + 1)} show only on a reload (fix or delete that key)`);
    },
    async close() {
      await reader?.close();
    },
  };
}
