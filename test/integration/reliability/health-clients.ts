// What a Redis server says of its clients (CLIENT LIST), for the health-check tests: which of
// them are the core's health connections and what each ran last.
import { Redis, type RedisOptions } from 'ioredis';
import { HEALTH_CONNECTION_NAME } from '../../../electron/core/connection/health-connections';

export interface ListedClient {
  id: string;
  name: string;
  /** The last command it ran (lower case, as CLIENT LIST gives it). */
  cmd: string;
  health: boolean;
}

/** The clients of the server at `node` (reached with `options`: password, TLS), without the short connection that asks. */
export async function clientsOn(node: { host: string; port: number }, options: RedisOptions = {}): Promise<ListedClient[]> {
  const admin = new Redis({ ...options, host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await admin.connect();
    const self = String(await admin.client('ID'));
    const list = (await admin.client('LIST')) as string;
    return list
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const name = /\bname=(\S*)/.exec(line)?.[1] ?? '';
        return { id: /\bid=(\d+)/.exec(line)![1]!, name, cmd: /\bcmd=(\S*)/.exec(line)?.[1] ?? '', health: name === HEALTH_CONNECTION_NAME };
      })
      .filter((c) => c.id !== self);
  } finally {
    admin.disconnect();
  }
}

/** How many health connections the server at `node` has. */
export async function healthConnectionsOn(node: { host: string; port: number }, options: RedisOptions = {}): Promise<number> {
  return (await clientsOn(node, options)).filter((c) => c.health).length;
}
