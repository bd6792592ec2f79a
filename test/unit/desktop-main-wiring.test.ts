// The shell's wiring (electron/main/index.ts) against a stand-in 'electron' module and a stand-in
// core: what is set up before ready (data folder, single-instance lock, the app scheme, the
// sandbox), what after (the app:// handler, the first window on app://renderer/index.html, the
// menu), and where deep links, the logs folder item and a crash go. No Electron binary needed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_LINK_CHANNEL } from '../../shared/preload-api';
import { RENDERER_CSP } from '../../electron/main/guards';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, Listener[]>();
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  const windows: FakeWindow[] = [];
  let focused: FakeWindow | undefined;
  let nextId = 1;
  const setFocused = (w: FakeWindow | undefined) => {
    focused = w;
  };
  class FakeWindow {
    id = nextId++;
    urls: string[] = [];
    sent: [string, unknown][] = [];
    destroyed = false;
    minimized = false;
    focusCalls = 0;
    webContents = {
      id: this.id,
      send: (channel: string, payload: unknown) => this.sent.push([channel, payload]),
      on: () => undefined,
      once: () => undefined,
      isLoading: () => false,
      isDestroyed: () => this.destroyed,
      setWindowOpenHandler: () => undefined,
    };
    constructor(public options: unknown) {
      windows.push(this);
    }
    static getFocusedWindow = () => focused;
    static getAllWindows = () => windows.filter((w) => !w.destroyed);
    loadURL = async (url: string) => {
      this.urls.push(url);
    };
    on = () => this;
    once = () => this;
    isDestroyed = () => this.destroyed;
    isMinimized = () => this.minimized;
    isMaximized = () => false;
    isFullScreen = () => false;
    restore = () => (this.minimized = false);
    show = () => undefined;
    focus = () => {
      this.focusCalls++;
      setFocused(this);
    };
    maximize = () => undefined;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 800 });
  }
  const state = {
    lock: true,
    ready: false,
    appListeners,
    readyPromise,
    resolveReady: () => resolveReady(),
    windows,
    setFocused,
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
    privileged: [] as unknown[],
    menu: undefined as unknown,
    opened: [] as string[],
    dialogs: [] as { kind: string; text: string }[],
    dispatched: [] as [string, unknown][],
    calls: [] as string[],
    FakeWindow,
  };
  return state;
});

vi.mock('electron', () => ({
  app: {
    setPath: (name: string, path: string) => fake.calls.push(`setPath ${name} ${path}`),
    getPath: () => '/nowhere',
    isReady: () => fake.ready,
    isPackaged: false,
    enableSandbox: () => fake.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => {
      fake.calls.push('requestSingleInstanceLock');
      return fake.lock;
    },
    setAsDefaultProtocolClient: () => fake.calls.push('setAsDefaultProtocolClient'),
    quit: () => fake.calls.push('quit'),
    exit: () => fake.calls.push('exit'),
    on: (event: string, fn: Listener) => fake.appListeners.set(event, [...(fake.appListeners.get(event) ?? []), fn]),
    whenReady: () => fake.readyPromise,
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => fake.privileged.push(...schemes),
    handle: (scheme: string, fn: (req: Request) => Promise<Response>) => fake.protocolHandlers.set(scheme, fn),
  },
  BrowserWindow: fake.FakeWindow,
  ipcMain: { handle: () => undefined, removeHandler: () => undefined },
  Menu: { setApplicationMenu: (m: unknown) => (fake.menu = m), buildFromTemplate: (t: unknown) => t },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: {
    defaultSession: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined, webRequest: { onHeadersReceived: () => undefined } },
  },
  shell: {
    openExternal: async () => undefined,
    openPath: async (p: string) => {
      fake.opened.push(p);
      return '';
    },
  },
  dialog: {
    showErrorBox: (_t: string, text: string) => fake.dialogs.push({ kind: 'errorBox', text }),
    showMessageBox: async (o: { type: string; message: string; detail?: string }) => {
      fake.dialogs.push({ kind: o.type, text: `${o.message} ${o.detail ?? ''}` });
      return { response: 0 };
    },
  },
}));

vi.mock('../../electron/main/secret-store', () => ({ safeStorageSecrets: () => undefined }));

vi.mock('../../electron/core/create-core', () => ({
  createCore: async () => {
    let connection = 'sandbox';
    return {
      status: () => ({ connectionId: connection }),
      dispatch: async (method: string, args: { id?: string }) => {
        fake.dispatched.push([method, args]);
        if (method === 'useConnection') {
          if (args.id === 'missing') return { ok: false, error: { code: 'BAD_REQUEST', message: 'No saved connection "missing"' } };
          connection = args.id!;
        }
        return { ok: true, result: null };
      },
      onEvent: () => () => undefined,
      closeSession: () => undefined,
      close: async () => undefined,
    };
  },
}));

const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-main-wiring-'));
const before = { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection'), sigint: process.listeners('SIGINT'), sigterm: process.listeners('SIGTERM') };
const emitApp = (event: string, ...args: unknown[]) => {
  for (const fn of fake.appListeners.get(event) ?? []) fn(...args);
};
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeAll(async () => {
  vi.stubEnv('FLOWSCOPE_DATA_DIR', dataDir);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await import('../../electron/main/index');
});

afterAll(() => {
  for (const [event, kept] of [
    ['uncaughtException', before.exception],
    ['unhandledRejection', before.rejection],
    ['SIGINT', before.sigint],
    ['SIGTERM', before.sigterm],
  ] as const) {
    for (const fn of process.listeners(event as 'SIGINT')) if (!(kept as unknown[]).includes(fn)) process.removeListener(event as 'SIGINT', fn);
  }
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('before ready', () => {
  it('uses the data folder as userData, then takes the single-instance lock; registers the app scheme; sandboxes every renderer', () => {
    expect(fake.calls.indexOf(`setPath userData ${dataDir}`)).toBeGreaterThanOrEqual(0);
    expect(fake.calls.indexOf(`setPath userData ${dataDir}`)).toBeLessThan(fake.calls.indexOf('requestSingleInstanceLock'));
    expect(fake.calls).toContain('enableSandbox');
    expect(fake.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    // A development run does not take the system's flowscope:// links.
    expect(fake.calls).not.toContain('setAsDefaultProtocolClient');
    expect(fake.appListeners.has('open-url')).toBe(true);
    expect(fake.appListeners.has('second-instance')).toBe(true);
  });

  it('a deep link that arrives during start-up (macOS open-url) waits for the app', async () => {
    emitApp('open-url', { preventDefault: () => undefined }, 'flowscope://flow/early/1');
    await settle();
    expect(fake.windows).toHaveLength(0);
  });
});

describe('after ready', () => {
  beforeAll(async () => {
    fake.ready = true;
    fake.resolveReady();
    for (let i = 0; i < 20 && fake.windows.length === 0; i++) await settle();
  });

  it('the waiting link opens the first window, on its flow, over app://', () => {
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.urls).toEqual(['app://renderer/index.html#/flow/early/1']);
  });

  it('serves the renderer over app:// with the CSP header, and nothing outside it', async () => {
    const handler = fake.protocolHandlers.get('app')!;
    expect(handler).toBeDefined();
    const outside = await handler(new Request('app://renderer/..%2f..%2fpackage.json'));
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    // (Here the module sits in electron/main/, so its ../renderer/ has no files: serving one is
    // desktop-app-protocol.test.ts's part.)
    const page = await handler(new Request('app://renderer/index.html'));
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });

  it('second-instance with a link: the focused window comes forward and is told the flow', async () => {
    const win = fake.windows[0]!;
    fake.setFocused(win);
    win.minimized = true;
    emitApp('second-instance', {}, ['/opt/Flowscope/flowscope', 'flowscope://flow/orders/42'], '/');
    await settle();
    expect(win.minimized).toBe(false);
    expect(win.sent).toEqual([[IPC_LINK_CHANNEL, { queue: 'orders', jobId: '42' }]]);
  });

  it('a link with a saved connection switches to it first; one that cannot be used is said and not followed', async () => {
    const win = fake.windows[0]!;
    win.sent.length = 0;
    emitApp('open-url', { preventDefault: () => undefined }, 'flowscope://flow/orders/43?connection=abc');
    await settle();
    expect(fake.dispatched).toContainEqual(['useConnection', { id: 'abc' }]);
    expect(win.sent).toEqual([[IPC_LINK_CHANNEL, { queue: 'orders', jobId: '43' }]]);
    emitApp('open-url', { preventDefault: () => undefined }, 'flowscope://flow/orders/44?connection=missing');
    await settle();
    await settle();
    expect(win.sent).toHaveLength(1);
    expect(fake.dialogs.at(-1)).toMatchObject({ kind: 'warning' });
    expect(fake.dialogs.at(-1)!.text).toContain('"missing"');
  });

  it('a malformed link is said, changes nothing', async () => {
    const win = fake.windows[0]!;
    const dialogs = fake.dialogs.length;
    emitApp('open-url', { preventDefault: () => undefined }, 'flowscope://flow/../../etc/passwd');
    await settle();
    expect(fake.dialogs.length).toBe(dialogs + 1);
    expect(win.sent).toHaveLength(1);
    expect(fake.windows).toHaveLength(1);
  });

  it('second-instance without a link focuses the window; with no window, a link opens one on its flow', async () => {
    const win = fake.windows[0]!;
    const focusCalls = win.focusCalls;
    emitApp('second-instance', {}, ['/opt/Flowscope/flowscope'], '/');
    await settle();
    expect(win.focusCalls).toBe(focusCalls + 1);
    win.destroyed = true;
    fake.setFocused(undefined);
    emitApp('second-instance', {}, ['/opt/Flowscope/flowscope', 'flowscope://flow/q%20x/7'], '/');
    for (let i = 0; i < 10 && fake.windows.length === 1; i++) await settle();
    expect(fake.windows).toHaveLength(2);
    expect(fake.windows[1]!.urls).toEqual(['app://renderer/index.html#/flow/q%20x/7']);
  });

  it('Help → Open logs folder opens the data folder\'s logs/', () => {
    const help = (fake.menu as { role?: string; submenu?: { label?: string; click?: () => void }[] }[]).find((m) => m.role === 'help')!;
    help.submenu!.find((i) => i.label === 'Open logs folder')!.click!();
    expect(fake.opened).toEqual([join(dataDir, 'logs')]);
  });

  it('a crash in the main process is logged to logs/desktop.log and shown', () => {
    const handler = process.listeners('uncaughtException').find((fn) => !before.exception.includes(fn))!;
    handler(new Error('kaboom with redis://u:hunter2@h:1'), 'uncaughtException');
    expect(fake.dialogs.at(-1)!.kind).toBe('error');
    expect(fake.dialogs.at(-1)!.text).toContain('kaboom');
    const log = readFileSync(join(dataDir, 'logs', 'desktop.log'), 'utf8');
    expect(log).toMatch(/ error: An unexpected error in the main process \{"message":"kaboom with redis:\/\/u:\*\*\*@h:1"/);
    expect(log).not.toContain('hunter2');
  });
});
