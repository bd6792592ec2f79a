// The one way Flowscope raises a notification: the web Notification API, which both a browser
// and Electron's renderer provide (in the desktop app Electron shows it as a system
// notification). Permission is asked once, on the first Watch click (browsers only allow the
// prompt after a user gesture); when it is denied, or there is no API, notify() says so and the
// caller shows its in-app fallback instead.

export type NotifyPermission = NotificationPermission | 'unsupported';

const api = (): typeof Notification | null => (typeof window !== 'undefined' && 'Notification' in window ? window.Notification : null);

export function notificationPermission(): NotifyPermission {
  return api()?.permission ?? 'unsupported';
}

/** Asks for permission when it was never asked; answers what it is now. */
export async function askNotificationPermission(): Promise<NotifyPermission> {
  const N = api();
  if (!N) return 'unsupported';
  if (N.permission !== 'default') return N.permission;
  try {
    return await N.requestPermission();
  } catch {
    return N.permission;
  }
}

export interface NotifyOptions {
  title: string;
  body: string;
  /** Notifications with the same tag replace each other (one per watch and outcome). */
  tag: string;
  onClick?: () => void;
}

/** Shows a notification; false when it could not (no API, no permission, or the API threw). */
export function notify({ title, body, tag, onClick }: NotifyOptions): boolean {
  const N = api();
  if (!N || N.permission !== 'granted') return false;
  try {
    const shown = new N(title, { body, tag });
    if (onClick) {
      shown.onclick = () => {
        window.focus();
        onClick();
        shown.close();
      };
    }
    return true;
  } catch {
    // Some browsers allow notifications only from a service worker: the in-app fallback shows it.
    return false;
  }
}
