// A throwaway Redis Cluster on loopback: `masters` masters (and `replicas` replicas per master),
// created with `redis-cli --cluster create`, ready once every node says cluster_state:ok and all
// nodes agree on the node table and the slots. migrateSlot() moves a slot the way
// `redis-cli --cluster reshard` does, so tests see real MOVED and (between its steps) ASK replies.
import { Cluster, type ClusterOptions } from 'ioredis';
import {
  addressOf,
  baseServerArgs,
  command,
  hostPort,
  info,
  makeDir,
  makeTempDir,
  removeTempDir,
  run,
  runCleanups,
  spawnRedis,
  tail,
  waitFor,
  type HostPort,
  type RedisProcess,
} from './processes';

export type { HostPort } from './processes';

export interface TestClusterOptions {
  /** Masters, each owning an equal share of the 16384 slots (default 3, at least 1). */
  masters?: number;
  /** Replicas per master (default 0). */
  replicas?: number;
  /** cluster-node-timeout (default 2000 ms). */
  nodeTimeoutMs?: number;
  /** How long to wait for the cluster to become ready (default 30 s). */
  readyTimeoutMs?: number;
}

export interface SlotMigration {
  slot: number;
  from: HostPort;
  to: HostPort;
  /**
   * MIGRATEs up to `count` of the slot's keys (all of them when absent) from `from` to `to`;
   * returns how many moved. Between this and finish(), `from` answers ASK for the moved keys.
   */
  moveKeys(count?: number): Promise<number>;
  /** Moves the remaining keys, runs CLUSTER SETSLOT <slot> NODE on every master, waits for agreement. */
  finish(): Promise<void>;
}

export interface TestCluster {
  /** Every node: the masters first (in the order of the slot ranges), then the replicas. */
  nodes: HostPort[];
  masters: HostPort[];
  replicas: HostPort[];
  /** `redis://127.0.0.1:PORT` of one node (default: the first master). */
  url(nodeIndex?: number): string;
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…` with every master as a seed. */
  seedsUrl: string;
  /** CLUSTER KEYSLOT. */
  keySlot(key: string): Promise<number>;
  /** The master that owns the key's slot now (CLUSTER KEYSLOT + CLUSTER SLOTS). */
  ownerOf(key: string): Promise<HostPort>;
  /** Another master (a replica when there is one master only): it answers MOVED for the key. */
  nonOwnerOf(key: string): Promise<HostPort>;
  /** The index in `nodes` of a host/port. */
  indexOf(node: HostPort): number;
  /** An ioredis Cluster over the masters (with a no-op 'error' listener); disconnected by stop(). */
  client(options?: ClusterOptions): Cluster;
  /** Moves `slot` (and its keys) to the master nodes[toNodeIndex]; resolves once all nodes agree. */
  migrateSlot(slot: number, toNodeIndex: number): Promise<void>;
  /** The same in steps: SETSLOT IMPORTING/MIGRATING now, keys and SETSLOT NODE when the test says. */
  beginSlotMigration(slot: number, toNodeIndex: number): Promise<SlotMigration>;
  /** Resolves once cluster_state is ok everywhere and every node has the same view. */
  waitUntilAgreed(timeoutMs?: number): Promise<void>;
  /** The throwaway folder (removed by stop()). */
  dir: string;
  /** The log of node i, for a failure message. */
  logs(nodeIndex: number): string;
  stop(): Promise<void>;
}

interface SlotRange {
  start: number;
  end: number;
  master: HostPort & { id: string };
  replicas: HostPort[];
}

const NO_AUTH = {};

function parseSlots(reply: unknown): SlotRange[] {
  return (reply as unknown[][]).map((entry) => {
    const [start, end, master, ...replicas] = entry as [number, number, unknown[], ...unknown[][]];
    return {
      start: Number(start),
      end: Number(end),
      master: { host: String(master[0]), port: Number(master[1]), id: String(master[2]) },
      replicas: replicas.map((r) => ({ host: String(r[0]), port: Number(r[1]) })),
    };
  });
}

/**
 * One node's CLUSTER NODES reduced to what every node must agree on: id, address, role, master,
 * config epoch and slots; flags other than myself/master/slave mean "not settled yet".
 */
function settledView(text: string, nodeName: string): string {
  const lines: string[] = [];
  for (const line of text.trim().split('\n')) {
    const [id, addr, flags, master, , , epoch, link, ...slots] = line.trim().split(' ');
    const flagList = (flags ?? '').split(',').filter((f) => f !== 'myself');
    const odd = flagList.filter((f) => f !== 'master' && f !== 'slave');
    if (odd.length > 0) throw new Error(`${nodeName} sees ${addr} as ${flags}`);
    if (link !== 'connected') throw new Error(`${nodeName} sees ${addr} ${link}`);
    const open = slots.filter((s) => s.startsWith('['));
    if (open.length > 0) throw new Error(`${nodeName} has open slots ${open.join(' ')}`);
    lines.push([id, (addr ?? '').split(',')[0], flagList.join(','), master, epoch, ...slots].join(' '));
  }
  return lines.sort().join('\n');
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const masterCount = options.masters ?? 3;
  const replicasPerMaster = options.replicas ?? 0;
  if (!Number.isInteger(masterCount) || masterCount < 1) throw new Error('startTestCluster: masters must be at least 1');
  if (!Number.isInteger(replicasPerMaster) || replicasPerMaster < 0) throw new Error('startTestCluster: replicas must be 0 or more');
  const total = masterCount * (1 + replicasPerMaster);
  const nodeTimeout = options.nodeTimeoutMs ?? 2_000;
  const readyTimeout = options.readyTimeoutMs ?? 30_000;

  const dir = makeTempDir('cluster');
  const cleanups: (() => Promise<void> | void)[] = [() => removeTempDir(dir)];
  const processes: RedisProcess[] = [];
  const clients: Cluster[] = [];

  try {
    // Each node: a data port and a cluster bus port, both free (the default bus port, port + 10000,
    // can be taken or above 65535).
    const spawned = await Promise.allSettled(
      Array.from({ length: total }, (_, i) => {
        const nodeDir = makeDir(dir, `node-${i}`);
        return spawnRedis({
          name: `cluster node ${i}`,
          portCount: 2,
          args: ([port, busPort]) => [
            ...baseServerArgs(port!, nodeDir),
            '--cluster-enabled', 'yes',
            '--cluster-config-file', `${nodeDir}/nodes.conf`,
            '--cluster-node-timeout', String(nodeTimeout),
            '--cluster-port', String(busPort),
          ],
        });
      }),
    );
    cleanups.push(() => Promise.all(processes.map((p) => p.kill())).then(() => undefined));
    for (const result of spawned) if (result.status === 'fulfilled') processes.push(result.value);
    const failed = spawned.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const started = processes;

    const createdWith = started.map((p) => hostPort(p.ports[0]!));
    await run('redis-cli', [
      '--cluster', 'create',
      ...createdWith.map(addressOf),
      '--cluster-replicas', String(replicasPerMaster),
      '--cluster-yes',
    ]);

    const byPort = new Map(started.map((p) => [p.ports[0]!, p]));
    let ordered: HostPort[] = createdWith;
    const agreed = async (timeoutMs = readyTimeout): Promise<SlotRange[]> => {
      let slots: SlotRange[] = [];
      await waitFor(
        `the cluster on ${ordered.map((n) => n.port).join(',')} to agree`,
        async () => {
          const views = await Promise.all(
            ordered.map(async (node) => {
              const name = `node ${addressOf(node)}`;
              const clusterInfo = String(await command(node, NO_AUTH, 'CLUSTER', 'INFO'));
              if (!clusterInfo.includes('cluster_state:ok')) throw new Error(`${name}: ${clusterInfo.split('\n')[0]!.trim()}`);
              const view = settledView(String(await command(node, NO_AUTH, 'CLUSTER', 'NODES')), name);
              if (view.split('\n').length !== total) throw new Error(`${name} knows ${view.split('\n').length} of ${total} nodes`);
              const replication = await info(node, NO_AUTH, 'replication');
              if (replication.role === 'slave' && replication.master_link_status !== 'up') {
                throw new Error(`${name}: replication link ${replication.master_link_status}`);
              }
              return view;
            }),
          );
          if (new Set(views).size !== 1) throw new Error('the nodes do not agree on the node table and slots yet');
          slots = parseSlots(await command(ordered[0]!, NO_AUTH, 'CLUSTER', 'SLOTS')).sort((a, b) => a.start - b.start);
          const covered = slots.reduce((n, r) => n + r.end - r.start + 1, 0);
          if (covered !== 16384) throw new Error(`${covered} of 16384 slots are served`);
          return true;
        },
        { timeoutMs, intervalMs: 50 },
      ).catch((err: Error) => {
        const logs = ordered.map((n, i) => `node ${i} (${n.port}): ${tail(byPort.get(n.port)?.output() ?? '', 3)}`).join('\n');
        throw new Error(`${err.message}\n${logs}`);
      });
      return slots;
    };

    // Masters in slot order, then replicas (redis-cli chooses the roles).
    const initial = await agreed();
    const masters: HostPort[] = [];
    for (const range of initial) if (!masters.some((m) => m.port === range.master.port)) masters.push(hostPort(range.master.port));
    const replicas = createdWith.filter((n) => !masters.some((m) => m.port === n.port));
    ordered = [...masters, ...replicas];
    const nodes = ordered;

    const slotMap = async (): Promise<SlotRange[]> => {
      let lastError: unknown;
      for (const node of nodes) {
        try {
          return parseSlots(await command(node, NO_AUTH, 'CLUSTER', 'SLOTS'));
        } catch (err) {
          lastError = err;
        }
      }
      throw lastError;
    };
    const anyNode = async (...args: (string | number)[]): Promise<unknown> => {
      let lastError: unknown;
      for (const node of nodes) {
        try {
          return await command(node, NO_AUTH, String(args[0]), ...args.slice(1));
        } catch (err) {
          lastError = err;
        }
      }
      throw lastError;
    };
    const keySlot = async (key: string) => Number(await anyNode('CLUSTER', 'KEYSLOT', key));
    const ownerOfSlot = async (slot: number) => {
      const range = (await slotMap()).find((r) => slot >= r.start && slot <= r.end);
      if (!range) throw new Error(`no node serves slot ${slot}`);
      return range.master;
    };
    const nodeAt = (index: number): HostPort => {
      const node = nodes[index];
      if (!node) throw new Error(`no node ${index} (the cluster has ${nodes.length})`);
      return node;
    };

    const beginSlotMigration = async (slot: number, toNodeIndex: number): Promise<SlotMigration> => {
      if (!Number.isInteger(slot) || slot < 0 || slot > 16383) throw new Error(`${slot} is not a slot (0-16383)`);
      const to = nodeAt(toNodeIndex);
      if (!masters.some((m) => m.port === to.port)) throw new Error(`node ${toNodeIndex} (${addressOf(to)}) is a replica: a slot moves to a master`);
      const owner = await ownerOfSlot(slot);
      const from = hostPort(owner.port);
      if (from.port === to.port) throw new Error(`slot ${slot} is already served by node ${toNodeIndex} (${addressOf(to)})`);
      const toId = String(await command(to, NO_AUTH, 'CLUSTER', 'MYID'));
      await command(to, NO_AUTH, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', owner.id);
      await command(from, NO_AUTH, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId);
      let finished = false;
      const moveKeys = async (count = Infinity): Promise<number> => {
        let moved = 0;
        while (moved < count) {
          const batch = Math.min(100, count - moved);
          const keys = (await command(from, NO_AUTH, 'CLUSTER', 'GETKEYSINSLOT', slot, batch)) as string[];
          if (keys.length === 0) break;
          await command(from, NO_AUTH, 'MIGRATE', to.host, to.port, '', 0, 10_000, 'REPLACE', 'KEYS', ...keys);
          moved += keys.length;
        }
        return moved;
      };
      return {
        slot,
        from,
        to,
        moveKeys,
        async finish() {
          if (finished) return;
          await moveKeys();
          // The order redis-cli uses: the importing node first, then the one it came from, then the rest.
          const others = masters.filter((m) => m.port !== to.port && m.port !== from.port);
          for (const node of [to, from, ...others]) await command(node, NO_AUTH, 'CLUSTER', 'SETSLOT', slot, 'NODE', toId);
          finished = true;
          await agreed();
          const now = await ownerOfSlot(slot);
          if (now.port !== to.port) throw new Error(`slot ${slot} is served by ${addressOf(now)} after its migration to ${addressOf(to)}`);
        },
      };
    };

    return {
      nodes,
      masters,
      replicas,
      url: (nodeIndex = 0) => `redis://${addressOf(nodeAt(nodeIndex))}`,
      seedsUrl: `redis+cluster://${masters.map(addressOf).join(',')}`,
      keySlot,
      async ownerOf(key) {
        return hostPort((await ownerOfSlot(await keySlot(key))).port);
      },
      async nonOwnerOf(key) {
        const owner = await ownerOfSlot(await keySlot(key));
        const other = masters.find((m) => m.port !== owner.port) ?? replicas[0];
        if (!other) throw new Error('a one-node cluster has no node that does not own the key');
        return other;
      },
      indexOf: (node) => nodes.findIndex((n) => n.port === node.port && n.host === node.host),
      client(clientOptions = {}) {
        const client = new Cluster(masters, clientOptions);
        client.on('error', () => {}); // commands reject with the errors that matter
        clients.push(client);
        return client;
      },
      async migrateSlot(slot, toNodeIndex) {
        await (await beginSlotMigration(slot, toNodeIndex)).finish();
      },
      beginSlotMigration,
      async waitUntilAgreed(timeoutMs) {
        await agreed(timeoutMs);
      },
      dir,
      logs: (nodeIndex) => byPort.get(nodeAt(nodeIndex).port)?.output() ?? '',
      async stop() {
        for (const client of clients.splice(0)) client.disconnect();
        await runCleanups(cleanups);
      },
    };
  } catch (err) {
    for (const client of clients) client.disconnect();
    await runCleanups(cleanups).catch(() => {});
    throw err;
  }
}
