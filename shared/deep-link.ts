// The desktop app's deep links: `flowscope://flow/<queue>/<jobId>[?connection=<saved id>]`, the
// link a support person pastes from a ticket to land on a flow. The queue and id are
// URI-encoded like the renderer's `#/flow/<queue>/<jobId>` route. Parsing is strict: anything
// else (another scheme or host, a missing or extra path segment, `.`/`..`, slashes or control
// characters in a name, a bad escape, an unknown or repeated parameter, an overlong link) is
// not a link. Pure: no Node, no DOM, so the main process, the renderer and tests share it.

export const DEEP_LINK_SCHEME = 'flowscope';

// A test seam: exported for test/unit/desktop-deep-link.test.ts.
/** Longer than any real link (two 512-character names, encoded, and a connection id). */
export const MAX_DEEP_LINK_LENGTH = 4096;
const MAX_NAME = 512;
const MAX_CONNECTION_ID = 64;

export interface FlowLink {
  queue: string;
  jobId: string;
  /** The saved connection the flow is on, when the link names one. */
  connection?: string;
}

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const BAD_NAME = /[\u0000-\u001f\u007f/\\]/;
const CONNECTION_ID = /^[A-Za-z0-9_-]+$/;
const LINK = /^flowscope:\/\/flow\/([^/?#]+)\/([^/?#]+)\/?(?:\?([^#]*))?$/i;

function decodeName(part: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(part);
  } catch {
    return undefined;
  }
  if (!name || name.length > MAX_NAME || name === '.' || name === '..' || BAD_NAME.test(name)) return undefined;
  return name;
}

/** The flow a `flowscope://` link opens, or undefined when it is not a well-formed one. */
export function parseDeepLink(text: unknown): FlowLink | undefined {
  if (typeof text !== 'string' || text.length > MAX_DEEP_LINK_LENGTH) return undefined;
  const match = LINK.exec(text);
  if (!match) return undefined;
  const queue = decodeName(match[1]!);
  const jobId = decodeName(match[2]!);
  if (queue === undefined || jobId === undefined) return undefined;
  const query = match[3];
  if (query === undefined || query === '') return { queue, jobId };
  const params = query.split('&');
  if (params.length !== 1) return undefined;
  const [name, value, ...rest] = params[0]!.split('=');
  if (name !== 'connection' || value === undefined || rest.length > 0) return undefined;
  if (value.length > MAX_CONNECTION_ID || !CONNECTION_ID.test(value)) return undefined;
  return { queue, jobId, connection: value };
}

// A test seam: exported for test/unit/desktop-deep-link.test.ts.
/** The link for a flow; `connection` only for a saved connection (sandbox and start-up ones mean nothing elsewhere). */
export function formatDeepLink(link: FlowLink): string {
  const path = `${DEEP_LINK_SCHEME}://flow/${encodeURIComponent(link.queue)}/${encodeURIComponent(link.jobId)}`;
  return link.connection ? `${path}?connection=${encodeURIComponent(link.connection)}` : path;
}

/**
 * The deep link among a process's arguments (Windows and Linux hand it to the app, and to the
 * running instance through `second-instance`, as one argument): the last one that is a
 * well-formed link. Arguments after `--` are ignored by Chromium but not by us: a link is a
 * link wherever the launcher put it.
 */
export function deepLinkFromArgv(argv: readonly string[]): FlowLink | undefined {
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i];
    if (typeof arg === 'string' && arg.slice(0, DEEP_LINK_SCHEME.length + 1).toLowerCase() === `${DEEP_LINK_SCHEME}:`) {
      const link = parseDeepLink(arg);
      if (link) return link;
    }
  }
  return undefined;
}

/** The renderer's hash route for a link's flow (renderer/src/navigation/route.ts reads it). */
export function linkRoute(link: Pick<FlowLink, 'queue' | 'jobId'>): string {
  return `#/flow/${encodeURIComponent(link.queue)}/${encodeURIComponent(link.jobId)}`;
}

// A test seam: exported for test/unit/desktop-deep-link.test.ts.
/**
 * Connections a link must not name: the sandbox and the start-up connection (--redis,
 * REDIS_URL) are this machine's own (electron/core: SANDBOX_ID, STARTUP_ID).
 */
export const LOCAL_CONNECTION_IDS: readonly string[] = ['sandbox', 'startup'];

/** The deep link to share for a flow seen on `connectionId`: with it only when it is a saved connection. */
export function shareableDeepLink(queue: string, jobId: string, connectionId: string | undefined): string {
  const saved = connectionId && !LOCAL_CONNECTION_IDS.includes(connectionId) && CONNECTION_ID.test(connectionId) ? connectionId : undefined;
  return formatDeepLink(saved ? { queue, jobId, connection: saved } : { queue, jobId });
}
