// The dedicated connection a blocking read (the live views' XREAD) waits on, and the way to
// wake it: CLIENT UNBLOCK sent to the same server. On a single Redis that is a duplicate of the
// command connection. On a cluster a blocking command must sit on the master that owns its
// keys' slot (BullMQ's keys under a hash-tagged prefix all share one), and CLIENT UNBLOCK must
// reach that same node, so both go to that node directly.
import { Redis } from 'ioredis';
import { closeClient, isCluster, reviveEnded, type RedisClient } from './redis-client';

export interface BlockingConnection {
  readonly client: Redis;
  /** Wakes `clientId` (the blocking client's CLIENT ID) from another connection to the same server. */
  unblock(clientId: number): Promise<void>;
  close(): void;
}

/** "host:port" as ioredis names cluster nodes (IPv6 hosts contain ':' themselves). */
export function splitNodeKey(nodeKey: string): { host: string; port: number } {
  const at = nodeKey.lastIndexOf(':');
  return { host: nodeKey.slice(0, at), port: Number(nodeKey.slice(at + 1)) };
}

/** Opens the blocking connection for reads of `key` (and keys of the same slot). */
export async function openBlockingConnection(command: RedisClient, key: string): Promise<BlockingConnection> {
  if (!isCluster(command)) {
    // No command timeout here: XREAD BLOCK waits on purpose (the command connection has one).
    const client = command.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined });
    let closed = false;
    if (client.options.sentinels?.length) reviveEnded(client, () => closed);
    return {
      client,
      unblock: async (id) => void (await command.call('CLIENT', 'UNBLOCK', String(id))),
      close: () => {
        closed = true;
        closeClient(client);
      },
    };
  }
  const slot = Number(await command.cluster('KEYSLOT', key));
  const owner = command.slots[slot]?.[0];
  if (!owner) throw new Error(`No cluster node owns slot ${slot} yet`);
  const { host, port } = splitNodeKey(owner);
  const client = new Redis({ ...command.options.redisOptions, host, port, maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined });
  const waker = command.nodes('master').find((node) => node.options.host === host && node.options.port === port);
  return {
    client,
    unblock: async (id) => void (await (waker ?? client).call('CLIENT', 'UNBLOCK', String(id))),
    close: () => closeClient(client),
  };
}
