// Where a `flowscope://flow/<queue>/<jobId>[?connection=<id>]` link goes (shared/deep-link.ts
// parses it): a link that names a saved connection other than the current one switches to it
// first; then the focused window (or the first one) is brought forward and told to show the
// flow, or a new window opens on it when there is none. Links that arrive before the core is
// up (the first launch, macOS `open-url` during start-up) wait for ready(). Electron is
// injected, so the routing is unit-tested without it (test/unit/desktop-deep-link.test.ts).
import { SETTINGS } from '../core/config';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, linkRoute, parseDeepLink, type FlowLink } from '../../shared/deep-link';

export interface LinkWindow {
  /** Restores, focuses and tells the page to show the flow. */
  showLink(link: FlowLink): void;
}

export interface DeepLinkDeps {
  /** The id of the connection in use now. */
  currentConnection(): string | undefined;
  /** Switches the app to a saved connection; answers why not when it cannot. */
  useConnection(id: string): Promise<{ ok: true } | { ok: false; message: string }>;
  /** The focused window, else any open one. */
  targetWindow(): LinkWindow | undefined;
  /** A new window on a renderer route (`#/flow/…`). */
  openWindow(route: string): void;
  /** A link that could not be followed: said to the person (and logged). */
  problem(message: string): void;
}

export interface DeepLinkRouter {
  /** Follows a parsed link (or queues it until ready). */
  open(link: FlowLink): Promise<void>;
  /** `open-url` (macOS): the URL as given; a malformed one is reported, not followed. */
  openUrl(url: string): Promise<void>;
  /** `second-instance` (and the first launch on Windows and Linux): the link among the arguments, if any. */
  openFromArgv(argv: readonly string[]): Promise<boolean>;
  /** The app can open windows now: follows the link that waited, if any; answers whether there was one. */
  ready(): Promise<boolean>;
}

export function createDeepLinkRouter(deps: DeepLinkDeps): DeepLinkRouter {
  let started = false;
  let waiting: FlowLink | undefined;

  const follow = async (link: FlowLink) => {
    if (link.connection && link.connection !== deps.currentConnection()) {
      const switched = await deps.useConnection(link.connection);
      if (!switched.ok) {
        deps.problem(`The link is for the connection "${link.connection}", which could not be used here: ${switched.message}`);
        return;
      }
    }
    const target = deps.targetWindow();
    if (target) target.showLink({ queue: link.queue, jobId: link.jobId });
    else deps.openWindow(linkRoute(link));
  };

  const open = async (link: FlowLink) => {
    if (!started) {
      waiting = link;
      return;
    }
    await follow(link);
  };

  return {
    open,
    async openUrl(url) {
      const link = parseDeepLink(url);
      if (!link) {
        deps.problem('That is not a Flowscope link (flowscope://flow/<queue>/<jobId>).');
        return;
      }
      await open(link);
    },
    async openFromArgv(argv) {
      const link = deepLinkFromArgv(argv);
      if (!link) return false;
      await open(link);
      return true;
    },
    async ready() {
      started = true;
      const link = waiting;
      waiting = undefined;
      if (!link) return false;
      await follow(link);
      return true;
    },
  };
}

/** Set to 1 to register `flowscope://` for an unpackaged app (`npm start`, `npm run dev`). */
export const REGISTER_PROTOCOL_ENV = SETTINGS.registerProtocol.env;

/**
 * The arguments for app.setAsDefaultProtocolClient, or undefined when not to register. A
 * packaged app registers itself (its installer also declares the scheme: the `protocols` entry
 * of the build configuration). A development run registers only when asked
 * ($FLOWSCOPE_REGISTER_PROTOCOL=1), so test and dev runs do not take over the system's
 * flowscope:// links; then, under `electron <script>` (process.defaultApp), the OS must start
 * Electron with the app's entry script.
 */
export function protocolClientArgs(
  defaultApp: boolean,
  execPath: string,
  argv: readonly string[],
  resolve: (p: string) => string,
  isPackaged: boolean,
  env: NodeJS.ProcessEnv,
): { scheme: string; path?: string; args?: string[] } | undefined {
  if (!isPackaged && env[REGISTER_PROTOCOL_ENV] !== '1') return undefined;
  if (defaultApp && argv.length >= 2 && argv[1]) return { scheme: DEEP_LINK_SCHEME, path: execPath, args: [resolve(argv[1])] };
  return { scheme: DEEP_LINK_SCHEME };
}
