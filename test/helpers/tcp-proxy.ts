// A TCP proxy on loopback that a test puts between a client and Redis, to cut Redis off the
// way a network does: `blackhole()` stops forwarding in both directions without closing any
// socket (bytes wait, as TCP retransmissions would, and new connections are accepted but get
// nothing through), `restore()` forwards again (what waited is delivered, in order), `reset()`
// closes every connection at once (a cable pulled, a NAT entry dropped). With
// `bytesPerSecond`, what Redis sends is passed on to each client at that rate (a slow link):
// a big reply then takes seconds to read while a small one on another connection does not.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Transform, type Writable } from 'node:stream';

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

/** Passes bytes on at `bytesPerSecond` (slices of 20 ms worth, each when it is due). */
function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 50));
  let due = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const send = (offset: number) => {
        while (offset < chunk.length) {
          const now = Date.now();
          if (due > now) {
            setTimeout(() => send(offset), due - now);
            return;
          }
          const part = chunk.subarray(offset, offset + slice);
          this.push(part);
          offset += part.length;
          due = Math.max(due, now) + (part.length * 1000) / bytesPerSecond;
        }
        done();
      };
      send(0);
    },
  });
}

export interface TcpProxyOptions {
  /** The rate at which Redis's replies reach each client (default: as fast as they come). */
  bytesPerSecond?: number;
}

export async function startTcpProxy(target: { host: string; port: number }, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  let holding = false;
  type Pair = { client: Socket; upstream: Socket; down: Writable; flowing: boolean };
  const pairs = new Set<Pair>();
  const flow = (pair: Pair, on: boolean) => {
    if (pair.flowing === on) return;
    pair.flowing = on;
    if (on) {
      pair.client.pipe(pair.upstream);
      pair.upstream.pipe(pair.down);
    } else {
      // Unpiped and paused: nothing is read, so nothing is lost; the sockets stay open.
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.down);
      pair.client.pause();
      pair.upstream.pause();
    }
  };
  const sockets = () => [...pairs].flatMap((p) => [p.client, p.upstream]);

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    let down: Writable = client;
    if (options.bytesPerSecond) {
      const slow = throttle(options.bytesPerSecond);
      slow.pipe(client);
      down = slow;
    }
    const pair: Pair = { client, upstream, down, flowing: true };
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
