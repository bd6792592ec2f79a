// The checks every Redis topology must pass (standalone in cli-actions.test.ts; Cluster, Sentinel,
// TLS in test/integration/topologies):
// flows of every failure policy built by real BullMQ workers, `flowscope tree --json` equal to
// BullMQ's own answers node for node, both repair actions end to end from the command line, and
// a live view that follows the workers. Each topology file supplies a target; the checks are
// written once here. And topologyForFile: a topology (with its target, or a CLI core on it)
// started for a whole file, in place of the beforeAll/afterAll pair each topology file wrote.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RemoveUnprocessedResult, RetryResult } from '../../shared/actions';
import type { PushEvent } from '../../shared/contract';
import type { ConnectionStatus, FlowNode, FlowSnapshot, FlowTree } from '../../shared/domain';
import { createCore, type Core, type CoreOptions } from '../../electron/core/create-core';
import { memoryLogger } from '../../electron/core/log/logger';
import { FlowHarness, leaf, type HarnessTarget } from './actions-harness';
import { CHILD_POLICIES, type ChildPolicy } from './child-policies';
import { waitForState, waitUntil } from './actions-wait';
import { runFlowscope } from './cli-io';
import { BullmqOracle, loaderView } from './flows';
import { standIn } from './stand-in';

export interface TopologyTarget {
  /** What Flowscope is given: `--redis` / `redisUrl`. */
  url: string;
  /** Extra CLI options (`--tls-ca FILE`, `--sentinel-password P`). */
  cliArgs: string[];
  /** The same for createCore. */
  coreOptions: Partial<CoreOptions>;
  /** Where the test's own BullMQ writers and workers connect. */
  harness: HarnessTarget;
}


/** Where the parent of a flow with one failed child ends up, by the child's policy. */
export const STUCK: Record<ChildPolicy, 'waiting-children' | 'failed' | 'completed'> = {
  none: 'waiting-children',
  'fail-parent': 'failed',
  'continue-parent': 'completed',
  ignore: 'completed',
  remove: 'completed',
};

export function dataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowscope-topology-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TopologyForFileOptions<T> {
  /** Starts the topology (Cluster, Sentinel, TLS); it is stopped after the file's last test. */
  start: () => Promise<T>;
  /** The target the checks use, made once the topology is up. */
  target?: (topology: T) => Promise<TopologyTarget> | TopologyTarget;
  /** Options of a CLI core started on the topology once it is up (closed before it stops). */
  core?: (topology: T) => Partial<CoreOptions> & Pick<CoreOptions, 'redisUrl' | 'prefix'>;
}

export interface TopologyForFile<T> {
  /** The started topology (read inside hooks and tests). */
  topology: T;
  /** What `target` made (reading it when there is none throws). */
  target: TopologyTarget;
  /** The core `core` asked for (reading it when there is none throws). */
  core: Core;
  /** The file's throwaway data folder (the CLI's and the cores'). */
  data: { dir: string };
}

/** A topology started before a file's first test, with its target or a CLI core on it, stopped after its last. */
export function topologyForFile<T extends object & { stop(): Promise<void> }>(options: TopologyForFileOptions<T>): TopologyForFile<T> {
  const data = dataDir();
  let topology: T | undefined;
  let target: TopologyTarget | undefined;
  let core: Core | undefined;
  beforeAll(async () => {
    topology = await options.start();
    target = await options.target?.(topology);
    if (options.core) {
      core = await createCore({ shell: 'cli', log: memoryLogger(), dataDir: data.dir, ...options.core(topology) });
      await core.ready;
    }
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    await topology?.stop();
    data.remove();
  });
  return {
    topology: standIn('topologyForFile: the topology', () => topology),
    target: standIn('topologyForFile: the target', () => target),
    core: standIn('topologyForFile: the core', () => core),
    data,
  };
}

/** The repair checks as tests of the calling describe: tree and retry for every policy, then remove-unprocessed. */
export function itRepairsOn(target: TopologyTarget, data: { dir: string }): void {
  it.each(CHILD_POLICIES)('policy %s: tree --json equals BullMQ, and retry-failed-children repairs the flow', async (policy) => {
    await checkTreeAndRetry(target, policy, data.dir);
  });
  it('remove-unprocessed removes the children that have not started', async () => {
    await checkRemoveUnprocessed(target, data.dir);
  });
}

async function cli(target: TopologyTarget, h: FlowHarness, data: string, args: string[]) {
  const run = await runFlowscope([...args, '--json', '--redis', target.url, ...target.cliArgs, '--prefix', h.prefix, '--data-dir', data]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as unknown;
}

/** parent `agg` on `parents` with a, b (succeed) and c (fails once, on `flaky`), all with `policy`. */
async function brokenFlow(h: FlowHarness, policy: ChildPolicy): Promise<{ id: string; key: string }> {
  h.broken.add('c');
  h.parentWorker('parents');
  h.leafWorker('leaves');
  const parent = await h.addFlow({ name: 'agg', queueName: 'parents', children: [leaf('a', 'leaves', policy), leaf('b', 'leaves', policy), leaf('c', 'flaky', policy)] });
  await waitUntil(async () => (await h.queue('leaves').getCompletedCount()) === 2, 'a and b to complete');
  h.leafWorker('flaky');
  await waitUntil(async () => (await h.queue('flaky').getFailedCount()) === 1, 'c to fail');
  await waitForState(h.queue('parents'), parent.id, STUCK[policy]);
  return parent;
}

/**
 * For one policy: `tree --json` equals BullMQ's walk of the flow node for node; the retry's
 * preview equals its run; the parent then completes with every result and the children that
 * had succeeded did not run again.
 */
export async function checkTreeAndRetry(target: TopologyTarget, policy: ChildPolicy, data: string): Promise<void> {
  const h = new FlowHarness(target.harness);
  const oracle = new BullmqOracle(target.harness.connection);
  try {
    const parent = await brokenFlow(h, policy);
    const tree = (await cli(target, h, data, ['tree', 'parents', parent.id])) as FlowTree;
    const expected = await oracle.walk(parent.key);
    expect(loaderView(tree)).toEqual(expected);

    h.broken.delete('c');
    const preview = (await cli(target, h, data, ['retry-failed-children', 'parents', parent.id, '--dry-run'])) as RetryResult;
    expect(preview.retried).toHaveLength(1);
    const real = (await cli(target, h, data, ['retry-failed-children', 'parents', parent.id])) as RetryResult;
    // Equal but for what each cost (`stats`, on every action's JSON).
    expect(real.stats).toEqual({ ms: expect.any(Number), roundTrips: expect.any(Number) });
    expect({ ...real, stats: undefined }).toEqual({ ...preview, stats: undefined });
    await waitForState(h.queue('parents'), parent.id, 'completed');
    expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toEqual(['r:a', 'r:b', 'r:c']);
    expect([h.count('a'), h.count('b'), h.count('c')]).toEqual([1, 1, 2]);
    // Idempotent: run again, it changes nothing.
    expect(await cli(target, h, data, ['retry-failed-children', 'parents', parent.id])).toMatchObject({ retried: [], reopened: [] });
  } finally {
    await oracle.close();
    await h.close();
  }
}

/** remove-unprocessed takes the children that have not started; the parent moves on to wait. */
export async function checkRemoveUnprocessed(target: TopologyTarget, data: string): Promise<void> {
  const h = new FlowHarness(target.harness);
  try {
    const parent = await h.addFlow({
      name: 'batch',
      queueName: 'batches',
      children: [leaf('u1', 'uploads', 'none'), leaf('u2', 'uploads', 'none', { delay: 60_000 })],
    });
    const preview = (await cli(target, h, data, ['remove-unprocessed', 'batches', parent.id, '--dry-run'])) as RemoveUnprocessedResult;
    expect(preview.removed).toHaveLength(2);
    const result = (await cli(target, h, data, ['remove-unprocessed', 'batches', parent.id])) as RemoveUnprocessedResult;
    expect(result.stats).toEqual({ ms: expect.any(Number), roundTrips: expect.any(Number) });
    expect({ ...result, stats: undefined }).toEqual({ ...preview, stats: undefined });
    expect(result.stillBlocking).toEqual([]);
    await waitForState(h.queue('batches'), parent.id, 'waiting');
    expect(await h.queue('uploads').getJobCounts('waiting', 'delayed')).toEqual({ waiting: 0, delayed: 0 });
  } finally {
    await h.close();
  }
}

export interface LiveCore {
  core: Core;
  /** Every node as the view has it now (snapshot + patches). */
  nodes: Map<string, FlowNode>;
  statuses: ConnectionStatus[];
  snapshots: number;
  close(): Promise<void>;
}

/** A core on the target with a live view of `queue:jobId`, applying what it pushes. */
export async function openLiveView(target: TopologyTarget, prefix: string, queue: string, jobId: string, data: string): Promise<LiveCore> {
  const core = await createCore({ shell: 'cli', redisUrl: target.url, ...target.coreOptions, prefix, dataDir: data, log: memoryLogger() });
  const session = 'topology-test';
  const nodes = new Map<string, FlowNode>();
  const live: LiveCore = {
    core,
    nodes,
    statuses: [],
    snapshots: 0,
    close: async () => {
      off();
      offStatus();
      await core.close();
    },
  };
  const take = (event: PushEvent) => {
    if (event.event === 'flowSnapshot') {
      live.snapshots++;
      nodes.clear();
      for (const n of event.payload.tree.nodes) nodes.set(n.key, n);
    } else if (event.event === 'flowPatch') {
      for (const n of event.payload.upserts) nodes.set(n.key, n);
      for (const k of event.payload.removed) nodes.delete(k);
    }
  };
  const off = core.onEvent(take, session);
  const offStatus = core.onEvent((event) => {
    if (event.event === 'connectionStatus') live.statuses.push(event.payload);
  });
  await core.ready;
  const subscribed = await core.dispatch('subscribeFlow', { queue, jobId }, session);
  if (!subscribed.ok) throw new Error(`subscribeFlow failed: ${subscribed.error.message}`);
  for (const n of (subscribed.result as FlowSnapshot).tree.nodes) nodes.set(n.key, n);
  return live;
}

/** Waits until the live view shows `key` in `state`. */
export function viewShows(live: LiveCore, key: string, state: string, timeoutMs = 20_000): Promise<true> {
  return waitUntil(() => live.nodes.get(key)?.state === state || null, `the live view to show ${key} ${state} (shows ${live.nodes.get(key)?.state})`, timeoutMs);
}

/**
 * A live view of a flow whose children have no worker yet; `during` runs with the view open
 * (a failover, a slot migration); then workers finish the flow and the view follows to the end.
 */
export async function checkLiveView(target: TopologyTarget, data: string, during?: (live: LiveCore, h: FlowHarness) => Promise<void>): Promise<LiveCore> {
  const h = new FlowHarness(target.harness);
  let live: LiveCore | undefined;
  try {
    const parent = await h.addFlow({ name: 'agg', queueName: 'live-parents', children: [leaf('x', 'live-leaves', 'none'), leaf('y', 'live-leaves', 'none')] });
    live = await openLiveView(target, h.prefix, 'live-parents', parent.id, data);
    expect(live.nodes.get(parent.key)?.state).toBe('waiting-children');
    await during?.(live, h);
    h.leafWorker('live-leaves');
    h.parentWorker('live-parents');
    await viewShows(live, parent.key, 'completed');
    const children = [...live.nodes.values()].filter((n) => n.parentKey === parent.key);
    expect(children.map((n) => [n.name, n.state, n.bucket]).sort()).toEqual([
      ['x', 'completed', 'processed'],
      ['y', 'completed', 'processed'],
    ]);
    return live;
  } finally {
    await live?.close();
    await h.close();
  }
}
