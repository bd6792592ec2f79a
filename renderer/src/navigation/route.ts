// The hash routes a support agent can share: `#/flow/<queue>/<jobId>` opens that job's flow;
// `?job=<key>` after it selects one job of that flow (a search hit inside it), brought into
// view. Queue names, ids and keys are URI-encoded, so names with ':' or '/' survive the trip.
export type Route = { view: 'home' } | { view: 'flow'; queue: string; jobId: string; select?: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const match = /^\/flow\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (!match) return { view: 'home' };
  try {
    const queue = decodeURIComponent(match[1]!);
    const jobId = decodeURIComponent(match[2]!);
    if (!queue || !jobId) return { view: 'home' };
    const select = new URLSearchParams(query).get('job');
    return select ? { view: 'flow', queue, jobId, select } : { view: 'flow', queue, jobId };
  } catch {
    // A malformed escape is a bad link, not a crash.
    return { view: 'home' };
  }
}

export function formatRoute(route: Route): string {
  if (route.view === 'home') return '#/';
  const path = `#/flow/${encodeURIComponent(route.queue)}/${encodeURIComponent(route.jobId)}`;
  return route.select ? `${path}?job=${encodeURIComponent(route.select)}` : path;
}
