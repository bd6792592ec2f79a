// A client session of a live flow view for the tests: subscribes through the core, applies
// every patch it receives (a snapshot replaces the tree), records what came, and compares its
// tree with a fresh load.
import { expect } from 'vitest';
import type { Redis } from 'ioredis';
import type { PushEvent } from '../../../shared/contract';
import type { FlowPatch, FlowSnapshot, FlowTree } from '../../../shared/domain';
import { patchTree } from '../../../shared/flow-model';
import type { Core } from '../../../electron/core/create-core';
import { loadTree } from '../../../electron/core/tree';
import { waitUntil } from '../../helpers/flows';

export interface LiveSession {
  snapshot: FlowSnapshot;
  events: (FlowPatch | FlowSnapshot)[];
  /** Patches whose seq did not follow the one before. */
  gaps: number[];
  tree(): FlowTree;
  off(): void;
}

export async function subscribeAs(core: Core, session: string, queue: string, jobId: string, options: { pageSize?: number } = {}): Promise<LiveSession> {
  const events: (FlowPatch | FlowSnapshot)[] = [];
  let tree: FlowTree | undefined;
  let seq = 0;
  const gaps: number[] = [];
  const off = core.onEvent((e: PushEvent) => {
    if (e.event === 'flowPatch') {
      events.push(e.payload);
      if (e.payload.seq !== seq + 1) gaps.push(e.payload.seq);
      seq = e.payload.seq;
      tree = patchTree(tree!, e.payload);
    } else if (e.event === 'flowSnapshot') {
      events.push(e.payload);
      seq = e.payload.seq;
      tree = e.payload.tree;
    }
  }, session);
  const result = await core.dispatch('subscribeFlow', { queue, jobId, ...options }, session);
  if (!result.ok) throw new Error(result.error.message);
  const snapshot = result.result as FlowSnapshot;
  tree = snapshot.tree;
  seq = snapshot.seq;
  return { snapshot, events, gaps, tree: () => tree!, off };
}

/** Nodes in a comparable form: sorted by key, stats left out. */
export function comparable(tree: FlowTree) {
  return {
    root: tree.root,
    nodes: [...tree.nodes].sort((a, b) => a.key.localeCompare(b.key)),
    truncated: [...tree.truncated].sort((a, b) => `${a.parentKey}${a.bucket}`.localeCompare(`${b.parentKey}${b.bucket}`)),
  };
}

/** Waits until the session's tree equals a fresh load, then asserts it. */
export async function untilViewMatches(
  view: { tree(): FlowTree },
  redis: { client(): Redis; prefix: string },
  queue: string,
  jobId: string,
  options: { pageSize?: number } = {},
): Promise<void> {
  const fresh = () => loadTree(redis.client(), redis.prefix, queue, jobId, options);
  await waitUntil(async () => JSON.stringify(comparable(await fresh())) === JSON.stringify(comparable(view.tree())), 20_000);
  expect(comparable(view.tree())).toEqual(comparable(await fresh()));
}
