// A throwaway Sentinel setup on loopback: one master, `replicas` replicas (--replicaof) and
// `sentinels` Sentinels (`redis-server sentinel.conf --sentinel`) monitoring it with quorum 1.
// Ready once every replica's link is up and every Sentinel knows the master, the replicas and the
// other Sentinels. killMaster() and failover() resolve once every Sentinel names a new master and
// that node answers ROLE master.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import {
  addressOf,
  baseServerArgs,
  command,
  hostPort,
  info,
  LOOPBACK,
  makeDir,
  makeTempDir,
  pairs,
  removeTempDir,
  runCleanups,
  spawnRedis,
  tail,
  waitFor,
  withClient,
  type HostPort,
  type NodeAuth,
  type RedisProcess,
} from './processes';

export type { HostPort } from './processes';

export interface TestSentinelOptions {
  /** Replicas of the master (default 1). */
  replicas?: number;
  /** Sentinel processes (default 1). */
  sentinels?: number;
  masterName?: string;
  /** requirepass + masterauth on the data nodes, `sentinel auth-pass` in the Sentinels. */
  password?: string;
  /** requirepass of the Sentinels themselves (and `sentinel sentinel-pass` between them). */
  sentinelPassword?: string;
  /** How long start, killMaster() and failover() may take (default 30 s each). */
  timeoutMs?: number;
}

export interface FailoverResult {
  from: HostPort;
  to: HostPort;
}

export interface TestSentinel {
  masterName: string;
  password?: string;
  sentinelPassword?: string;
  /** The master now (changes with killMaster() and failover()). */
  readonly master: HostPort;
  /** The live replicas of the master now. */
  readonly replicas: HostPort[];
  sentinels: HostPort[];
  /** `redis+sentinel://[:password@]127.0.0.1:S1[,127.0.0.1:S2]/<masterName>` (the data nodes' password). */
  url: string;
  /** ioredis options for the master through the Sentinels: `{ sentinels, name, password?, sentinelPassword? }`. */
  sentinelOptions(): RedisOptions;
  /** An ioredis client for the master through the Sentinels (a no-op 'error' listener keeps failovers quiet); disconnected by stop(). */
  client(options?: RedisOptions): Redis;
  /**
   * SIGKILLs the master and waits for the Sentinels' own failover (down-after-milliseconds 1000):
   * every Sentinel names a new master, it answers ROLE master, the remaining replicas follow it.
   * The old master stays dead. Needs a live replica.
   */
  killMaster(): Promise<FailoverResult>;
  /**
   * SENTINEL FAILOVER: the same wait, then the old master is pointed at the new one (REPLICAOF;
   * Sentinel itself would only do that about 8 s later) and its link waited for, so failover()
   * can be called again.
   */
  failover(): Promise<FailoverResult>;
  /** The throwaway folder (removed by stop()). */
  dir: string;
  /** The log of a data node or a Sentinel, by port, for a failure message. */
  logs(port: number): string;
  stop(): Promise<void>;
}

interface SentinelReplica {
  port: number;
  flags: string;
  masterLinkStatus: string;
}

export async function startTestSentinel(options: TestSentinelOptions = {}): Promise<TestSentinel> {
  const replicaCount = options.replicas ?? 1;
  const sentinelCount = options.sentinels ?? 1;
  const masterName = options.masterName ?? 'flowscope-master';
  const { password, sentinelPassword } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isInteger(replicaCount) || replicaCount < 0) throw new Error('startTestSentinel: replicas must be 0 or more');
  if (!Number.isInteger(sentinelCount) || sentinelCount < 1) throw new Error('startTestSentinel: sentinels must be at least 1');
  if (!/^[A-Za-z0-9._-]+$/.test(masterName)) throw new Error(`startTestSentinel: "${masterName}" is not a simple master name`);
  for (const [what, value] of [['password', password], ['sentinelPassword', sentinelPassword]] as const) {
    if (value !== undefined && !/^[^\s"'\\]+$/.test(value)) throw new Error(`startTestSentinel: ${what} must have no spaces, quotes or backslashes`);
  }

  const dataAuth: NodeAuth = password !== undefined ? { password } : {};
  const sentinelAuth: NodeAuth = sentinelPassword !== undefined ? { password: sentinelPassword } : {};
  const dir = makeTempDir('sentinel');
  const cleanups: (() => Promise<void> | void)[] = [() => removeTempDir(dir)];
  const processes = new Map<number, RedisProcess>();
  cleanups.push(() => Promise.all([...processes.values()].map((p) => p.kill())).then(() => undefined));
  const clients: Redis[] = [];
  cleanups.push(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  const withLogs = (err: Error, ports: number[]): Error =>
    new Error(`${err.message}\n${ports.map((p) => `${processes.get(p)?.name ?? p}: ${tail(processes.get(p)?.output() ?? '', 4)}`).join('\n')}`);

  // A data node reads a (nearly empty) config file so Sentinel's CONFIG REWRITE after a
  // reconfiguration works; everything else is on the command line.
  let dataNodes = 0;
  const startDataNode = async (replicaOf?: HostPort): Promise<HostPort> => {
    const index = dataNodes++;
    const nodeDir = makeDir(dir, `redis-${index}`);
    const conf = join(nodeDir, 'redis.conf');
    writeFileSync(conf, '# flowscope test data node\n');
    const proc = await spawnRedis({
      name: `redis ${index}`,
      args: ([port]) => [
        conf,
        ...baseServerArgs(port!, nodeDir),
        ...(password !== undefined ? ['--requirepass', password, '--masterauth', password] : []),
        ...(replicaOf ? ['--replicaof', replicaOf.host, String(replicaOf.port)] : []),
      ],
    });
    processes.set(proc.ports[0]!, proc);
    return hostPort(proc.ports[0]!);
  };

  const startSentinelNode = async (index: number, monitored: HostPort): Promise<HostPort> => {
    const sentinelDir = makeDir(dir, `sentinel-${index}`);
    const conf = join(sentinelDir, 'sentinel.conf');
    const proc = await spawnRedis({
      name: `sentinel ${index}`,
      readyLine: 'Sentinel ID is',
      args: ([port]) => {
        writeFileSync(
          conf,
          [
            `port ${port}`,
            `bind ${LOOPBACK}`,
            `dir ${sentinelDir}`,
            'daemonize no',
            'logfile ""',
            'sentinel resolve-hostnames no',
            ...(sentinelPassword !== undefined ? [`requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`] : []),
            `sentinel monitor ${masterName} ${monitored.host} ${monitored.port} 1`,
            `sentinel down-after-milliseconds ${masterName} 1000`,
            `sentinel failover-timeout ${masterName} 5000`,
            `sentinel parallel-syncs ${masterName} ${Math.max(1, replicaCount)}`,
            ...(password !== undefined ? [`sentinel auth-pass ${masterName} ${password}`] : []),
            '',
          ].join('\n'),
        );
        return [conf, '--sentinel'];
      },
    });
    processes.set(proc.ports[0]!, proc);
    return hostPort(proc.ports[0]!);
  };

  // Replication seen from the data nodes: `replica` follows `master` with its link up.
  const following = async (replica: HostPort, master: HostPort): Promise<true> => {
    const replication = await info(replica, dataAuth, 'replication');
    const name = `${addressOf(replica)}`;
    if (replication.role !== 'slave') throw new Error(`${name} is ${replication.role}`);
    if (Number(replication.master_port) !== master.port) throw new Error(`${name} follows port ${replication.master_port}, not ${master.port}`);
    if (replication.master_link_status !== 'up') throw new Error(`${name}: master link ${replication.master_link_status}`);
    return true;
  };

  const sentinelMaster = async (sentinel: HostPort): Promise<HostPort> => {
    const reply = (await command(sentinel, sentinelAuth, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null;
    if (!reply) throw new Error(`sentinel ${sentinel.port} does not know ${masterName}`);
    return { host: reply[0], port: Number(reply[1]) };
  };

  const sentinelReplicas = async (sentinel: HostPort): Promise<SentinelReplica[]> => {
    const reply = (await command(sentinel, sentinelAuth, 'SENTINEL', 'REPLICAS', masterName)) as unknown[];
    return reply.map(pairs).map((r) => ({ port: Number(r.port), flags: r.flags ?? '', masterLinkStatus: r['master-link-status'] ?? '' }));
  };

  try {
    let master = await startDataNode();
    let replicas: HostPort[] = [];
    for (let i = 0; i < replicaCount; i++) replicas.push(await startDataNode(master));
    // Sentinels start after the replicas are linked: a Sentinel learns the replicas from the
    // master's INFO, which it reads at once and then only every 10 s.
    await waitFor(`the replicas of ${addressOf(master)} to link up`, async () => {
      await Promise.all(replicas.map((r) => following(r, master)));
      const masterInfo = await info(master, dataAuth, 'replication');
      if (Number(masterInfo.connected_slaves) !== replicaCount) throw new Error(`the master has ${masterInfo.connected_slaves} connected replicas`);
      return true;
    }, { timeoutMs }).catch((err: Error) => {
      throw withLogs(err, [...processes.keys()]);
    });

    const sentinels: HostPort[] = [];
    for (let i = 0; i < sentinelCount; i++) sentinels.push(await startSentinelNode(i, master));

    const sentinelsKnowEverything = async (): Promise<true> => {
      for (const sentinel of sentinels) {
        const name = `sentinel ${sentinel.port}`;
        const named = await sentinelMaster(sentinel);
        if (named.port !== master.port) throw new Error(`${name} names ${addressOf(named)} as master, not ${addressOf(master)}`);
        const known = await sentinelReplicas(sentinel);
        for (const replica of replicas) {
          const entry = known.find((k) => k.port === replica.port);
          if (!entry) throw new Error(`${name} does not know replica ${replica.port} yet`);
          if (entry.flags !== 'slave' || entry.masterLinkStatus !== 'ok') {
            throw new Error(`${name} sees replica ${replica.port} as ${entry.flags}, link ${entry.masterLinkStatus}`);
          }
        }
        if (sentinelCount > 1) {
          const peers = (await command(sentinel, sentinelAuth, 'SENTINEL', 'SENTINELS', masterName)) as unknown[];
          const healthy = peers.map(pairs).filter((p) => p.flags === 'sentinel');
          if (healthy.length !== sentinelCount - 1) throw new Error(`${name} knows ${healthy.length} of ${sentinelCount - 1} other sentinels`);
          await command(sentinel, sentinelAuth, 'SENTINEL', 'CKQUORUM', masterName);
        }
      }
      return true;
    };
    await waitFor('the sentinels to know the master, its replicas and each other', sentinelsKnowEverything, { timeoutMs }).catch(
      (err: Error) => {
        throw withLogs(err, sentinels.map((s) => s.port));
      },
    );

    // After a failover: every Sentinel names the same new master, and it says it is one.
    const newMaster = async (from: HostPort): Promise<HostPort> => {
      const to = await waitFor(
        `the sentinels to name a new master instead of ${addressOf(from)}`,
        async () => {
          // GET-MASTER-ADDR-BY-NAME names the promoted replica while the failover still runs;
          // SENTINEL MASTER gives the instance itself, with failover_in_progress until it ends.
          const named = await Promise.all(sentinels.map(sentinelMaster));
          if (named.some((n) => n.port === from.port)) throw new Error(`sentinels name ${named.map((n) => n.port).join(', ')}`);
          if (new Set(named.map((n) => n.port)).size !== 1) throw new Error(`sentinels disagree: ${named.map((n) => n.port).join(', ')}`);
          for (const sentinel of sentinels) {
            const state = pairs(await command(sentinel, sentinelAuth, 'SENTINEL', 'MASTER', masterName));
            if (Number(state.port) !== named[0]!.port || state.flags !== 'master') {
              throw new Error(`sentinel ${sentinel.port} has master ${state.ip}:${state.port} flags ${state.flags}`);
            }
          }
          return named[0]!;
        },
        { timeoutMs },
      ).catch((err: Error) => {
        throw withLogs(err, sentinels.map((s) => s.port));
      });
      await waitFor(`${addressOf(to)} to answer ROLE master`, async () => {
        const role = (await command(to, dataAuth, 'ROLE')) as unknown[];
        if (role[0] !== 'master') throw new Error(`ROLE says ${String(role[0])}`);
        return true;
      }, { timeoutMs }).catch((err: Error) => {
        throw withLogs(err, [to.port]);
      });
      return hostPort(to.port);
    };

    const afterFailover = async (from: HostPort, to: HostPort, oldMasterAlive: boolean): Promise<void> => {
      const followers = replicas.filter((r) => r.port !== to.port);
      if (oldMasterAlive) {
        // What Sentinel sends when it converts a stale master (+convert-to-slave), now rather than
        // ~8 s later; CLIENT KILL makes clients still on it reconnect through the Sentinels.
        await withClient(from, dataAuth, async (client) => {
          await client.multi().call('REPLICAOF', to.host, String(to.port)).call('CONFIG', 'REWRITE').call('CLIENT', 'KILL', 'TYPE', 'normal').exec();
        });
        followers.push(from);
      }
      await waitFor(`the replicas to follow the new master ${addressOf(to)}`, async () => {
        await Promise.all(followers.map((r) => following(r, to)));
        return true;
      }, { timeoutMs }).catch((err: Error) => {
        throw withLogs(err, [to.port, ...followers.map((r) => r.port)]);
      });
      master = to;
      replicas = followers;
    };

    let busy = false;
    const exclusive = async (fn: () => Promise<FailoverResult>): Promise<FailoverResult> => {
      if (busy) throw new Error('a failover is already running');
      busy = true;
      try {
        return await fn();
      } finally {
        busy = false;
      }
    };

    const sentinelOptions = (): RedisOptions => ({
      sentinels: sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: masterName,
      ...(password !== undefined ? { password } : {}),
      ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
    });

    const auth = password !== undefined ? `:${encodeURIComponent(password)}@` : '';
    return {
      masterName,
      ...(password !== undefined ? { password } : {}),
      ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
      get master() {
        return master;
      },
      get replicas() {
        return [...replicas];
      },
      sentinels,
      url: `redis+sentinel://${auth}${sentinels.map(addressOf).join(',')}/${masterName}`,
      sentinelOptions,
      client(clientOptions = {}) {
        const client = new Redis({ ...sentinelOptions(), ...clientOptions });
        client.on('error', () => {}); // failovers make connection errors; commands still reject with theirs
        clients.push(client);
        return client;
      },
      killMaster: () =>
        exclusive(async () => {
          const from = master;
          if (replicas.length === 0) throw new Error('killMaster: the master has no replica to promote');
          await processes.get(from.port)!.kill('SIGKILL');
          const to = await newMaster(from);
          await afterFailover(from, to, false);
          return { from, to };
        }),
      failover: () =>
        exclusive(async () => {
          const from = master;
          if (replicas.length === 0) throw new Error('failover: the master has no replica to promote');
          await command(sentinels[0]!, sentinelAuth, 'SENTINEL', 'FAILOVER', masterName);
          const to = await newMaster(from);
          await afterFailover(from, to, true);
          return { from, to };
        }),
      dir,
      logs: (port) => processes.get(port)?.output() ?? '',
      stop: () => runCleanups(cleanups),
    };
  } catch (err) {
    await runCleanups(cleanups).catch(() => {});
    throw err;
  }
}
