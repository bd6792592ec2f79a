// One store per open flow (zustand vanilla): the normalised flow data, kept live by the core's
// sequence-numbered patches, plus what the person does with it (collapsed parents, selection,
// the inspector, pages being loaded). Patches are queued and applied once per animation frame;
// a gap in the sequence asks the core for a fresh snapshot instead of guessing. A job of the
// flow asked for by a link (a search hit) is brought into view: the pages of the buckets on its
// path are loaded until it is there, then it is selected and marked found. A view that could not
// open tries again when asked, and by itself when the queues change or Redis comes back (the
// job may have appeared: a scenario re-run, a producer catching up). A big flow's live view
// takes a while to load (20,001 nodes, 10 MiB, for a 100,001-node flow): while it does, a first
// look (the root and its first page of children, one small read) is shown, then replaced by the
// view's snapshot; what the person opened or closed in between is kept.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlowscopeClient, PushEvent } from '../../../../shared/contract';
import type { Bucket, FlowPatch, FlowSnapshot, FlowTree } from '../../../../shared/domain';
import { errorCode, errorInWords } from '../../transport/error-words';
import { collapseNewParents, defaultCollapsed } from './default-collapse';
import { applyPatches, EMPTY_FLOW, fromSnapshot, mergeChildrenPage, nextPatches, pathTo, truncatedEntry, type FlowData } from '../../../../shared/flow-model';
import { groupNodeId } from '../graph/group-node-id';
import { moveSelection } from '../keyboard/tree-navigation';
import { scheduleAnimationFrame, type ScheduleFrame } from './frame-scheduler';

/** What the core says is not live in a view (a queue whose events key is not a stream), in one line. */
const snapshotNote = (snapshot: FlowSnapshot): string | null => (snapshot.warnings?.length ? snapshot.warnings.join(' ') : null);

/** Children asked for per click on a group node. */
export const PAGE_SIZE = 200;
/** Most pages loaded to bring one job into view (10,000 children of one bucket at PAGE_SIZE). */
export const REVEAL_PAGES = 50;
/** A view that could not open tries again by itself at most this often. */
export const RETRY_EVERY_MS = 1000;
/** Levels below the root read for the first look at a flow whose live view is still loading. */
export const FIRST_LOOK_DEPTH = 1;
/**
 * The first look is shown only when the live view has not answered this long after opening: a
 * small flow's view comes first, with no flash of a half-read tree.
 */
export const FIRST_LOOK_AFTER_MS = 200;

/** A job of this flow asked for by the route, and how bringing it into view went. */
export interface FoundJob {
  key: string;
  status: 'looking' | 'shown' | 'missing';
  /** Why a job could not be shown, in words. */
  note: string | null;
}

/** A job to bring into view: its key, and its queue and id (to read its ancestors). */
export interface RevealTarget {
  key: string;
  queue: string;
  id: string;
}

export type LiveState = 'connecting' | 'live' | 'resyncing' | 'off';

export interface PageLoad {
  loading: boolean;
  error: string | null;
}

/** A request to the canvas to move the viewport; `id` changes with every request. */
export interface ViewportRequest {
  id: number;
  /** initial: the whole tree if it is readable that way, else its top; fit: exactly these keys. */
  kind: 'initial' | 'fit' | 'reveal';
  /** Keys to fit (null: the whole tree) or the one key to bring into view. */
  keys: string[] | null;
}

export interface FlowViewState extends FlowData {
  queue: string;
  jobId: string;
  phase: 'loading' | 'ready' | 'error';
  loadError: string | null;
  loadStartedAt: number;
  stats: FlowTree['stats'] | null;
  live: LiveState;
  /** Why the view is not live, in words. */
  liveNote: string | null;
  collapsed: ReadonlySet<string>;
  selectedKey: string | null;
  inspectorOpen: boolean;
  /** Page loads per group node id (see groupNodeId) or per parent key being expanded. */
  pages: ReadonlyMap<string, PageLoad>;
  viewport: ViewportRequest | null;
  found: FoundJob | null;
  /** What is shown is the first look (root and its first page of children): the live view is still loading. */
  partial: boolean;
}

export interface FlowController {
  readonly store: StoreApi<FlowViewState>;
  open(): Promise<void>;
  close(): void;
  toggle(key: string): void;
  /**
   * Down on a parent whose children are not in view yet: opens it, and moves the selection to
   * its first child once that is in (a page, or the live view after the first look), unless
   * the person selected something else meanwhile.
   */
  descend(key: string): void;
  collapseAll(): void;
  select(key: string | null, options?: { reveal?: boolean }): void;
  setInspectorOpen(open: boolean): void;
  loadMore(parentKey: string, bucket: Bucket): Promise<void>;
  fitAll(): void;
  /** Opens the parents of every failed job in view and fits the viewport to them; returns how many. */
  focusFailed(): number;
  /**
   * Brings a job of this flow into view (loading the pages of its path when it is not), selects
   * it and marks it found; before the flow is open, does so once it is. Resolves when done.
   */
  reveal(target: RevealTarget | null): Promise<void>;
  /** Opens the flow again after it could not be opened. */
  retry(): Promise<void>;
}

export interface FlowStoreOptions {
  queue: string;
  jobId: string;
  scheduleFrame?: ScheduleFrame;
  now?: () => number;
  /** FIRST_LOOK_AFTER_MS unless a test says otherwise. */
  firstLookAfterMs?: number;
}

export function createFlowController(client: FlowscopeClient, options: FlowStoreOptions): FlowController {
  const scheduleFrame = options.scheduleFrame ?? scheduleAnimationFrame;
  const now = options.now ?? (() => Date.now());
  const store = createStore<FlowViewState>(() => ({
    ...EMPTY_FLOW,
    queue: options.queue,
    jobId: options.jobId,
    phase: 'loading',
    loadError: null,
    loadStartedAt: now(),
    stats: null,
    live: 'connecting',
    liveNote: null,
    collapsed: new Set(),
    selectedKey: null,
    inspectorOpen: false,
    pages: new Map(),
    viewport: null,
    found: null,
    partial: false,
  }));
  const get = store.getState;
  const set = store.setState;
  /** The parent a Down opened (descend): its first child is selected when it comes into view. */
  let descendFrom: string | null = null;
  store.subscribe((state) => {
    if (descendFrom === null) return;
    if (state.selectedKey !== descendFrom) {
      descendFrom = null;
      return;
    }
    const move = moveSelection(state, descendFrom, 'down');
    if (move && 'select' in move) {
      descendFrom = null;
      controller.select(move.select, { reveal: true });
    }
  });

  let closed = false;
  let subscriptionId: string | null = null;
  let subscribing = false;
  let resyncing = false;
  // Patches that arrived before the subscription's answer, or during a resync.
  let early: FlowPatch[] = [];
  let queued: FlowPatch[] = [];
  let cancelFrame: (() => void) | null = null;
  let requestId = 0;
  let connectionWasDown = false;
  let connectionId: string | null = null;
  let stopEvents: (() => void) | null = null;
  let pendingReveal: RevealTarget | null = null;
  let revealRun = 0;
  let retrying = false;
  let retryAgain = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let lastRetry = -Infinity;
  const firstLookAfterMs = options.firstLookAfterMs ?? FIRST_LOOK_AFTER_MS;
  /** While the first look is shown: parents the person opened (false) or closed (true) since. */
  let touched: Map<string, boolean> | null = null;
  /** The subscription being opened: a page asked for during the first look waits for it. */
  let viewOpening: Promise<void> | null = null;

  const requestViewport = (kind: ViewportRequest['kind'], keys: string[] | null) => {
    set({ viewport: { id: ++requestId, kind, keys } });
  };

  /**
   * A fresh snapshot replaces the data; what the person opened, closed or selected survives.
   * After the first look, the parents start as the whole tree would have them (the first look
   * read no grandchildren), except those the person opened or closed meanwhile.
   */
  const replace = (tree: FlowTree, seq: number) => {
    const before = get();
    const data = fromSnapshot(tree, seq, before);
    const defaults = defaultCollapsed(data);
    const collapsed = new Set<string>();
    const byHand = touched;
    touched = null;
    for (const key of data.jobsByKey.keys()) {
      const closedByHand = byHand?.get(key);
      if (closedByHand !== undefined) {
        if (closedByHand) collapsed.add(key);
        continue;
      }
      const known = !byHand && before.jobsByKey.has(key);
      if (known ? before.collapsed.has(key) : defaults.has(key)) collapsed.add(key);
    }
    const selectedKey = before.selectedKey && data.jobsByKey.has(before.selectedKey) ? before.selectedKey : null;
    set({ ...data, phase: 'ready', loadError: null, stats: tree.stats, collapsed, selectedKey, partial: false });
  };

  /** Sets the collapsed parents, noting (during the first look) which ones the person changed. */
  const setCollapsed = (collapsed: ReadonlySet<string>) => {
    if (touched) {
      const before = get().collapsed;
      for (const key of before) if (!collapsed.has(key)) touched.set(key, false);
      for (const key of collapsed) if (!before.has(key)) touched.set(key, true);
    }
    set({ collapsed });
  };

  /**
   * The first look at the flow while its live view loads: one read of the root and its first
   * page of children, shown when the view has not answered within firstLookAfterMs. Its
   * children's own children were not read: those parents start closed. Not shown when a job
   * of the flow is to be brought into view (that waits for the view). The read goes out with
   * the subscription, not when the delay is over: by then the host is busy loading the view, and
   * a 100,001-node flow's first paint went from ~330 ms to ~1 s (UI bench) when it waited.
   */
  const firstLook = (): (() => void) => {
    let over = false;
    let due = false;
    let look: FlowTree | null = null;
    const show = () => {
      if (over || closed || !due || !look || !subscribing || get().phase !== 'loading' || pendingReveal) return;
      over = true;
      const data = fromSnapshot(look, 0, get());
      const collapsed = defaultCollapsed(data);
      for (const [key, entries] of data.truncated) {
        if (key !== data.rootKey && !data.childKeys.has(key) && entries.some((e) => e.shown === 0)) collapsed.add(key);
      }
      touched = new Map();
      set({ ...data, phase: 'ready', loadError: null, stats: look.stats, collapsed, selectedKey: null, partial: true });
      requestViewport('initial', null);
    };
    const timer = setTimeout(() => {
      due = true;
      show();
    }, firstLookAfterMs);
    client.call('getFlowTree', { queue: options.queue, jobId: options.jobId, depth: FIRST_LOOK_DEPTH }).then(
      (tree) => {
        look = tree;
        show();
      },
      () => undefined, // the view's own answer says what is wrong
    );
    return () => {
      over = true;
      clearTimeout(timer);
    };
  };

  const flush = () => {
    cancelFrame = null;
    if (closed || resyncing) return;
    const before = get();
    // The run of patches that follows the current seq; a hole in it means changes were lost.
    const { run, gap } = nextPatches(before.seq, queued.splice(0));
    if (run.length > 0) {
      const data = applyPatches(before, run);
      const update: Partial<FlowViewState> = pick(data);
      if (before.selectedKey && !data.jobsByKey.has(before.selectedKey)) {
        update.selectedKey = null;
        update.inspectorOpen = false;
      }
      set(update);
    }
    if (gap) void resync(gap);
  };

  const enqueue = (patch: FlowPatch) => {
    queued.push(patch);
    cancelFrame ??= scheduleFrame(flush);
  };

  const onEvent = (push: PushEvent) => {
    if (closed) return;
    if (push.event === 'flowPatch') {
      if (subscribing || resyncing) early.push(push.payload);
      else if (push.payload.subscriptionId === subscriptionId) enqueue(push.payload);
    } else if (push.event === 'flowSnapshot') {
      if (push.payload.subscriptionId !== subscriptionId) return;
      queued = queued.filter((p) => p.seq > push.payload.seq);
      replace(push.payload.tree, push.payload.seq);
      set({ live: 'live', liveNote: snapshotNote(push.payload) });
    } else if (push.event === 'queues') {
      // Something was added or moved: the job that was not there may be now.
      if (get().phase === 'error') void retryQuietly();
    } else if (push.event === 'connectionStatus') {
      const { state, connectionId: id } = push.payload;
      if (state !== 'connected') {
        connectionWasDown = true;
        return;
      }
      if (get().phase === 'error') {
        connectionWasDown = false;
        connectionId = id;
        void retryQuietly();
        return;
      }
      // A new socket is a new session (the old subscription is gone), and another connection
      // is another Redis: either way, subscribe again.
      const switched = connectionId !== null && id !== connectionId;
      connectionId = id;
      if (connectionWasDown || switched) {
        connectionWasDown = false;
        if (get().phase !== 'loading') void subscribe();
      }
    }
  };

  /** After a snapshot, keeps the early patches that follow it and drops the rest. */
  const takeEarly = (snapshot: FlowSnapshot) => {
    for (const patch of early.splice(0)) {
      if (patch.subscriptionId === snapshot.subscriptionId && patch.seq > snapshot.seq) enqueue(patch);
    }
  };

  const subscribe = async (): Promise<void> => {
    const previous = subscriptionId;
    subscriptionId = null;
    subscribing = true;
    queued = [];
    if (previous) void client.call('unsubscribeFlow', { subscriptionId: previous }).catch(() => undefined);
    try {
      const snapshot = await client.call('subscribeFlow', { queue: options.queue, jobId: options.jobId });
      subscribing = false;
      if (closed) {
        void client.call('unsubscribeFlow', { subscriptionId: snapshot.subscriptionId }).catch(() => undefined);
        return;
      }
      subscriptionId = snapshot.subscriptionId;
      replace(snapshot.tree, snapshot.seq);
      set({ live: 'live', liveNote: snapshotNote(snapshot) });
      takeEarly(snapshot);
    } catch (err) {
      subscribing = false;
      early = [];
      if (closed) return;
      const code = errorCode(err);
      if (code === 'NOT_FOUND' || code === 'BAD_REQUEST') {
        touched = null;
        set({ phase: 'error', loadError: errorInWords(err), live: 'off', partial: false });
        return;
      }
      // Without live updates the tree is still worth showing: read it once and say so.
      try {
        const tree = await client.call('getFlowTree', { queue: options.queue, jobId: options.jobId });
        if (closed) return;
        replace(tree, 0);
        set({ live: 'off', liveNote: `Live updates are not available: ${errorInWords(err)}` });
      } catch (readErr) {
        touched = null;
        if (!closed) set({ phase: 'error', loadError: errorInWords(readErr), live: 'off', partial: false });
      }
    }
  };

  const resync = async (reason: string): Promise<void> => {
    if (!subscriptionId || resyncing) return;
    resyncing = true;
    queued = [];
    set({ live: 'resyncing', liveNote: `Catching up: ${reason}` });
    try {
      const snapshot = await client.call('resyncFlow', { subscriptionId });
      resyncing = false;
      if (closed) return;
      replace(snapshot.tree, snapshot.seq);
      set({ live: 'live', liveNote: snapshotNote(snapshot) });
      takeEarly(snapshot);
    } catch {
      resyncing = false;
      early = [];
      // The core no longer knows the subscription (restarted, session gone): start again.
      if (!closed) await subscribe();
    }
  };

  /** After the tree is in: the first viewport, or the job a link asked for. */
  const afterOpen = async () => {
    if (closed || get().phase !== 'ready') return;
    const target = pendingReveal;
    if (target) await controller.reveal(target);
    else requestViewport('initial', null);
  };

  /** Opens again without showing the loading state (the error stays until the flow is in). */
  // A reason to look again that comes while a look runs, or within RETRY_EVERY_MS of the last
  // one (a Try again just before the job appeared), is kept for when that ends, never dropped.
  const retryQuietly = async () => {
    if (closed) return;
    if (retrying) {
      retryAgain = true;
      return;
    }
    const wait = lastRetry + RETRY_EVERY_MS - now();
    if (wait > 0) {
      retryTimer ??= setTimeout(() => {
        retryTimer = null;
        if (!closed && get().phase === 'error') void retryQuietly();
      }, wait);
      return;
    }
    retrying = true;
    lastRetry = now();
    try {
      await subscribe();
      await afterOpen();
    } finally {
      retrying = false;
      if (retryAgain) {
        retryAgain = false;
        if (!closed && get().phase === 'error') void retryQuietly();
      }
    }
  };

  /** Loads pages of the buckets on the path from the view's root to `target` until it is in view. */
  const bringIntoView = async (target: RevealTarget, run: number): Promise<string | null> => {
    let tree: FlowTree;
    try {
      tree = await client.call('getFlowTree', { queue: target.queue, jobId: target.id, depth: 0 });
    } catch (err) {
      return `Could not read job ${target.key}: ${errorInWords(err)}`;
    }
    const path = [...tree.ancestors, tree.root];
    const bucket: Bucket | null = tree.nodes[0]?.bucket ?? null;
    const start = path.indexOf(get().rootKey);
    if (start < 0) return `Job ${target.key} is not in this flow.`;
    let pages = 0;
    for (let i = start + 1; i < path.length; i++) {
      const key = path[i]!;
      const parentKey = path[i - 1]!;
      const cut = (get().truncated.get(parentKey) ?? []).map((e) => e.bucket);
      // The bucket the job itself is in first, when known.
      const known = i === path.length - 1 ? bucket : null;
      const buckets = [...cut.filter((b) => b === known), ...cut.filter((b) => b !== known)];
      for (const b of buckets) {
        while (!get().jobsByKey.has(key) && pages < REVEAL_PAGES) {
          if (!truncatedEntry(get(), parentKey, b)) break;
          await controller.loadMore(parentKey, b);
          pages++;
          if (closed || run !== revealRun) return null;
          if (get().pages.get(groupNodeId(parentKey, b))?.error) break;
        }
        if (get().jobsByKey.has(key)) break;
      }
      if (!get().jobsByKey.has(key)) {
        return pages >= REVEAL_PAGES
          ? `Job ${target.key} is in this flow, beyond the ${(REVEAL_PAGES * PAGE_SIZE).toLocaleString('en-US')} children loaded to look for it.`
          : `Job ${target.key} is in this flow but not among its children in view.`;
      }
    }
    return null;
  };

  const setPage = (id: string, load: PageLoad | null) => {
    const pages = new Map(get().pages);
    if (load) pages.set(id, load);
    else pages.delete(id);
    set({ pages });
  };

  const controller: FlowController = {
    store,

    async open() {
      stopEvents ??= client.onEvent(onEvent);
      set({ phase: 'loading', loadStartedAt: now(), loadError: null });
      const endFirstLook = firstLook();
      const subscribed = subscribe();
      viewOpening = subscribed;
      try {
        await subscribed;
      } finally {
        endFirstLook();
        if (viewOpening === subscribed) viewOpening = null;
      }
      await afterOpen();
    },

    async retry() {
      if (closed || subscribing) return;
      lastRetry = now();
      await controller.open();
    },

    async reveal(target) {
      const run = ++revealRun;
      if (!target) {
        pendingReveal = null;
        set({ found: null });
        return;
      }
      pendingReveal = target;
      // During the first look too: the job is looked for in the live view, once it is in.
      if (get().phase !== 'ready' || get().partial) return;
      set({ found: { key: target.key, status: 'looking', note: null } });
      const note = get().jobsByKey.has(target.key) ? null : await bringIntoView(target, run);
      if (closed || run !== revealRun) return;
      if (!get().jobsByKey.has(target.key)) {
        set({ found: { key: target.key, status: 'missing', note: note ?? `Job ${target.key} is not in view.` } });
        requestViewport('initial', null);
        return;
      }
      controller.select(target.key);
      // Centred and readable; the canvas waits until the job's layout is on it (a page just loaded).
      requestViewport('reveal', [target.key]);
      set({ found: { key: target.key, status: 'shown', note: null } });
    },

    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      cancelFrame?.();
      cancelFrame = null;
      stopEvents?.();
      stopEvents = null;
      if (subscriptionId) void client.call('unsubscribeFlow', { subscriptionId }).catch(() => undefined);
      subscriptionId = null;
    },

    toggle(key) {
      const state = get();
      const collapsed = new Set(state.collapsed);
      const opening = collapsed.has(key);
      if (opening) collapsed.delete(key);
      else if (state.childKeys.has(key) || state.truncated.has(key)) collapsed.add(key);
      setCollapsed(collapsed);
      // A parent whose children were never loaded (cut by depth, or from a page) loads its
      // first page of each bucket when opened.
      if (opening && !state.childKeys.has(key)) {
        for (const entry of state.truncated.get(key) ?? []) {
          if (entry.shown === 0) void controller.loadMore(key, entry.bucket);
        }
      }
    },

    descend(key) {
      if (get().collapsed.has(key)) controller.toggle(key);
      descendFrom = get().selectedKey === key ? key : null;
    },

    collapseAll() {
      const state = get();
      const collapsed = new Set<string>();
      for (const [key, kids] of state.childKeys) if (key !== state.rootKey && kids.length > 0) collapsed.add(key);
      setCollapsed(collapsed);
      requestViewport('fit', null);
    },

    select(key, { reveal = false } = {}) {
      if (key === null) {
        set({ selectedKey: null, inspectorOpen: false });
        return;
      }
      const state = get();
      if (!state.jobsByKey.has(key)) return;
      const path = pathTo(state, key) ?? [];
      const hidden = path.filter((k) => state.collapsed.has(k));
      if (hidden.length > 0) {
        const collapsed = new Set(state.collapsed);
        for (const k of hidden) collapsed.delete(k);
        setCollapsed(collapsed);
      }
      set({ selectedKey: key });
      if (reveal || hidden.length > 0) requestViewport('reveal', [key]);
    },

    setInspectorOpen(open) {
      const { selectedKey } = get();
      set({ inspectorOpen: open && selectedKey !== null });
      // The drawer covers the right of the canvas: keep the job it describes in sight.
      if (open && selectedKey) requestViewport('reveal', [selectedKey]);
    },

    async loadMore(parentKey, bucket) {
      // A page asked for during the first look is read for the live view, once it is in (which
      // may hold it already).
      if (get().partial && viewOpening) await viewOpening.catch(() => undefined);
      if (closed) return;
      const loadId = groupNodeId(parentKey, bucket);
      const entry = truncatedEntry(get(), parentKey, bucket);
      if (!entry || get().pages.get(loadId)?.loading) return;
      setPage(loadId, { loading: true, error: null });
      try {
        const parent = get().jobsByKey.get(parentKey);
        const page = await client.call('getChildrenPage', {
          parentKey,
          bucket,
          cursor: entry.nextCursor,
          pageSize: PAGE_SIZE,
          parentDepth: parent?.depth ?? 0,
          depth: 0,
          shown: entry.shown,
          // Children of a live view are live too: the core adds them to the subscription.
          ...(subscriptionId ? { subscriptionId } : {}),
        });
        if (closed) return;
        const before = get();
        if (page.error) {
          setPage(loadId, { loading: false, error: page.error });
          return;
        }
        const data = mergeChildrenPage(before, page);
        const newKeys = page.nodes.filter((n) => !before.jobsByKey.has(n.key)).map((n) => n.key);
        set({ ...pick(data), collapsed: collapseNewParents(data, newKeys, before.collapsed) });
        setPage(loadId, null);
      } catch (err) {
        if (!closed) setPage(loadId, { loading: false, error: errorInWords(err) });
      }
    },

    fitAll() {
      requestViewport('fit', null);
    },

    focusFailed() {
      const state = get();
      const failed = [...state.jobsByKey.values()].filter((n) => n.state === 'failed' || n.blocking).map((n) => n.key);
      if (failed.length === 0) return 0;
      const collapsed = new Set(state.collapsed);
      for (const key of failed) for (const k of pathTo(state, key) ?? []) collapsed.delete(k);
      setCollapsed(collapsed);
      requestViewport('fit', failed);
      return failed.length;
    },
  };
  return controller;
}

/** The FlowData part of a state (what applyPatch and friends change). */
function pick(data: FlowData): Partial<FlowViewState> {
  return {
    rootKey: data.rootKey,
    ancestors: data.ancestors,
    jobsByKey: data.jobsByKey,
    childKeys: data.childKeys,
    truncated: data.truncated,
    structureVersion: data.structureVersion,
    seq: data.seq,
  };
}
