// A TCP proxy on loopback that a test puts between a client and Redis, to cut Redis off the
// way a network does: `blackhole()` stops forwarding in both directions without closing any
// socket (bytes wait, as TCP retransmissions would, and new connections are accepted but get
// nothing through), `restore()` forwards again (what waited is delivered, in order), `reset()`
// closes every connection at once (a cable pulled, a NAT entry dropped).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  blackhole(): void;
  restore(): void;
  reset(): void;
  /** Connections open through the proxy. */
  connections(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let holding = false;
  const pairs = new Set<{ client: Socket; upstream: Socket; flowing: boolean }>();
  const flow = (pair: { client: Socket; upstream: Socket; flowing: boolean }, on: boolean) => {
    if (pair.flowing === on) return;
    pair.flowing = on;
    if (on) {
      pair.client.pipe(pair.upstream);
      pair.upstream.pipe(pair.client);
    } else {
      // Unpiped and paused: nothing is read, so nothing is lost; the sockets stay open.
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
    }
  };
  const sockets = () => [...pairs].flatMap((p) => [p.client, p.upstream]);

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, flowing: true };
    pairs.add(pair);
    pair.flowing = holding; // so that flow() below sets it up either way
    flow(pair, !holding);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    blackhole() {
      holding = true;
      for (const pair of pairs) flow(pair, false);
    },
    restore() {
      holding = false;
      for (const pair of pairs) flow(pair, true);
    },
    reset() {
      for (const s of sockets()) s.resetAndDestroy();
    },
    connections: () => pairs.size,
    async close() {
      for (const s of sockets()) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
