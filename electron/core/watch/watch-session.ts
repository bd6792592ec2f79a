// Each flow watch rides on a live flow view of its own, held under an internal session that no
// client can have (client sessions are UUIDs or 'anonymous'): the view's patches and snapshots
// for it go to the watch service instead of a client.
const PREFIX = '\u0000watch:';

export const watchSession = (watchId: string): string => `${PREFIX}${watchId}`;

/** The watch id of an internal watch session, or null for a client's session. */
export function watchIdOf(session: string): string | null {
  return session.startsWith(PREFIX) ? session.slice(PREFIX.length) : null;
}
