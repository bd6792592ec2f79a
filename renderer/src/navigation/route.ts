// The hash routes a support agent can share: `#/flow/<queue>/<jobId>` opens that job's flow.
// Queue names and ids are URI-encoded, so names with ':' or '/' survive the round trip.
export type Route = { view: 'home' } | { view: 'flow'; queue: string; jobId: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const match = /^\/flow\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (!match) return { view: 'home' };
  try {
    const queue = decodeURIComponent(match[1]!);
    const jobId = decodeURIComponent(match[2]!);
    return queue && jobId ? { view: 'flow', queue, jobId } : { view: 'home' };
  } catch {
    // A malformed escape is a bad link, not a crash.
    return { view: 'home' };
  }
}

export function formatRoute(route: Route): string {
  if (route.view === 'home') return '#/';
  return `#/flow/${encodeURIComponent(route.queue)}/${encodeURIComponent(route.jobId)}`;
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
