// The Redis URL forms Flowscope accepts, read one way everywhere (CLI, web host, desktop, saved
// connections, the connection form) and shown one way (passwords replaced by ***):
//
//   redis://[user[:password]@]host[:port][/db]          a standalone server, or any node of a
//   rediss://…                                           cluster (cluster mode is detected); TLS
//   redis+cluster://[user[:password]@]h1:p1,h2:p2        a cluster, several seed nodes
//   rediss+cluster://…
//   redis+sentinel://[user[:password]@]h1:26379[,h2:26379]/<master>[/db]
//   rediss+sentinel://…                                  the master a Sentinel names
//
// `?password=` and `?username=` (which ioredis also reads) are accepted and redacted like the
// `user:password@` part. Pure: no Node, no DOM.

export type UrlTopology = 'single' | 'cluster' | 'sentinel';

export interface HostPort {
  host: string;
  port: number;
}

export interface RedisEndpoint {
  /** `single`: one server that may turn out to be a cluster node (detected on connect). */
  topology: UrlTopology;
  tls: boolean;
  hosts: HostPort[];
  username?: string;
  password?: string;
  db: number;
  /** The Sentinel master name. */
  masterName?: string;
}

/** A connection as the core opens it: the URL plus what does not fit in one. */
export interface ConnectionSettings {
  url: string;
  /** A PEM file of the CA that signed the server's certificate (self-signed setups). */
  tlsCaFile?: string;
  /** The password of the Sentinel processes, when they have one of their own. */
  sentinelPassword?: string;
}

export class RedisUrlError extends Error {}

const SCHEMES: Record<string, { topology: UrlTopology; tls: boolean }> = {
  redis: { topology: 'single', tls: false },
  rediss: { topology: 'single', tls: true },
  'redis+cluster': { topology: 'cluster', tls: false },
  'rediss+cluster': { topology: 'cluster', tls: true },
  'redis+sentinel': { topology: 'sentinel', tls: false },
  'rediss+sentinel': { topology: 'sentinel', tls: true },
};

export const URL_FORMS =
  'redis://host:6379[/db], rediss://… (TLS), redis+cluster://h1:p1,h2:p2, redis+sentinel://h1:26379[,h2:26379]/<master>[/db]';

const MAX_DB = 1_000_000;

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RedisUrlError(`The ${what} in the URL is not percent-encoded correctly`);
  }
}

function parseHost(text: string, defaultPort: number): HostPort {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new RedisUrlError(`"${text}" is not a host or host:port`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) throw new RedisUrlError(`Port ${m[2]} is out of range (1-65535)`);
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}

function parseDb(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > MAX_DB) throw new RedisUrlError(`"${text}" is not a database number`);
  return Number(text);
}

/** Reads a connection URL; throws RedisUrlError saying what is wrong (never echoing a password). */
export function parseRedisUrl(url: string): RedisEndpoint {
  const m = /^([a-z+]+):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(url.trim());
  if (!m) throw new RedisUrlError(`Not a Redis URL. Use one of: ${URL_FORMS}`);
  const scheme = SCHEMES[m[1]!.toLowerCase()];
  if (!scheme) throw new RedisUrlError(`Unknown scheme ${m[1]}://. Use one of: ${URL_FORMS}`);
  const endpoint: RedisEndpoint = { topology: scheme.topology, tls: scheme.tls, hosts: [], db: 0 };

  if (m[2] !== undefined) {
    const colon = m[2].indexOf(':');
    const user = colon < 0 ? m[2] : m[2].slice(0, colon);
    if (user) endpoint.username = decode(user, 'user name');
    if (colon >= 0 && m[2].length > colon + 1) endpoint.password = decode(m[2].slice(colon + 1), 'password');
  }

  const hostList = m[3]!.split(',').filter((h) => h !== '');
  if (hostList.length === 0) throw new RedisUrlError('The URL names no host');
  if (scheme.topology === 'single' && hostList.length > 1) {
    throw new RedisUrlError(`Several hosts need redis+cluster:// or redis+sentinel://, not ${m[1]}://`);
  }
  const defaultPort = scheme.topology === 'sentinel' ? 26379 : 6379;
  endpoint.hosts = hostList.map((h) => parseHost(h, defaultPort));

  const path = (m[4] ?? '').split('/').filter((p) => p !== '');
  if (scheme.topology === 'sentinel') {
    if (path.length === 0) throw new RedisUrlError('A Sentinel URL names its master: redis+sentinel://host:26379/<master>[/db]');
    if (path.length > 2) throw new RedisUrlError('A Sentinel URL ends with /<master>[/db]');
    endpoint.masterName = decode(path[0]!, 'master name');
    if (path[1] !== undefined) endpoint.db = parseDb(path[1]);
  } else {
    if (path.length > 1) throw new RedisUrlError('The URL path is a database number: /0');
    if (path[0] !== undefined) endpoint.db = parseDb(path[0]);
    if (scheme.topology === 'cluster' && endpoint.db !== 0) throw new RedisUrlError('A Redis Cluster has only database 0');
  }

  for (const pair of (m[5] ?? '').split('&').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1), name === 'password' ? 'password' : `value of ${name}`);
    if (name === 'password') endpoint.password = value;
    else if (name === 'username') endpoint.username = value;
    else if (name === 'db' && scheme.topology !== 'cluster') endpoint.db = parseDb(value);
    else throw new RedisUrlError(`Unknown URL option "${name}" (known: password, username, db)`);
  }
  return endpoint;
}

const hostText = ({ host, port }: HostPort) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** The URL written back from its parts; the password as given, or as `***` when redacted. */
export function formatRedisUrl(endpoint: RedisEndpoint, options: { redact?: boolean; withPassword?: boolean } = {}): string {
  const scheme = Object.entries(SCHEMES).find(([, s]) => s.topology === endpoint.topology && s.tls === endpoint.tls)![0];
  const user = endpoint.username ? encodeURIComponent(endpoint.username) : '';
  const showPassword = endpoint.password !== undefined && options.withPassword !== false;
  const password = showPassword ? (options.redact ? '***' : encodeURIComponent(endpoint.password!)) : '';
  const auth = user || password ? `${user}${password ? `:${password}` : ''}@` : '';
  const path =
    endpoint.topology === 'sentinel'
      ? `/${encodeURIComponent(endpoint.masterName ?? '')}${endpoint.db ? `/${endpoint.db}` : ''}`
      : endpoint.db
        ? `/${endpoint.db}`
        : '';
  return `${scheme}://${auth}${endpoint.hosts.map(hostText).join(',')}${path}`;
}

/** Where a URL points, for people and logs: every password replaced by ***. */
export function redactRedisUrl(url: string): string {
  try {
    return formatRedisUrl(parseRedisUrl(url), { redact: true });
  } catch {
    return '<invalid url>';
  }
}

/** The URL without its password, and the password: saved connections keep them apart. */
export function splitRedisPassword(url: string): { url: string; password?: string } {
  const endpoint = parseRedisUrl(url);
  return { url: formatRedisUrl(endpoint, { withPassword: false }), password: endpoint.password };
}

/** The URL with a password put back in. */
export function joinRedisPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  return formatRedisUrl({ ...parseRedisUrl(url), password });
}
