// Deep links in the desktop app: the main process routes a flowscope:// link to a window
// (shared/deep-link.ts, electron/main/deep-link-router.ts), the preload hands it here, and the
// window goes to the flow's route as if the link had been opened from outside the app (the
// flow list resets to every queue: see navigation-store.ts). The web host has no preload and
// nothing to follow.
import type { PreloadApi } from '../../../shared/preload-api';
import { formatRoute } from './route';

export function followDesktopLinks(api: Partial<Pick<PreloadApi, 'onOpenLink'>> | undefined, win: Pick<Window, 'location'>): () => void {
  if (!api?.onOpenLink) return () => undefined;
  return api.onOpenLink(({ queue, jobId }) => {
    if (typeof queue !== 'string' || typeof jobId !== 'string' || !queue || !jobId) return;
    win.location.hash = formatRoute({ view: 'flow', queue, jobId });
  });
}
