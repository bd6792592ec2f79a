// The Electron shell: creates the core, bridges IPC once for the app, opens windows (each its
// own core session; File → New Window opens another), installs the guards, serves the renderer
// over the app's own scheme (app://renderer/, not file://), follows flowscope:// deep links
// (one instance: a link opened while the app runs goes to its window), logs to stderr and a
// rotating file in the data folder, shows a crash instead of dying silently, remembers where the
// last window was, and closes the core (and its sandbox redis-server) on exit.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_NAMES } from '../../shared/scenarios';
import type { FlowLink } from '../../shared/deep-link';
import { IPC_LINK_CHANNEL } from '../../shared/preload-api';
import { menuTemplate } from './app-menu';
import { createCore, type Core } from '../core/create-core';
import { connectionConfigFrom, fromEnv } from '../core/config';
import { createLogger, logLevelFrom } from '../core/log/logger';
import { logFilePath, openLogFile } from '../core/log/log-file';
import { APP_RENDERER_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppRequest } from './app-protocol';
import { crashReporter } from './crash-report';
import { createDeepLinkRouter, protocolClientArgs } from './deep-link-router';
import { installSessionGuards, installWindowGuards } from './guards';
import { safeStorageSecrets } from './secret-store';
import { bridgeCore, type DesktopBridge } from './ipc-bridge';
import { windowOptions } from './window-options';
import { loadWindowState, placeWindow, saveWindowState, windowStateOf } from './window-state';

// A data folder of its own (tests, a second profile) is also Chromium's, so the single-instance
// lock below is per data folder.
const chosenDataDir = fromEnv('dataDir');
if (chosenDataDir) app.setPath('userData', chosenDataDir);
const dataDir = chosenDataDir ?? app.getPath('userData');
const logLevel = logLevelFrom(process.env, process.argv, 'info');
const logFile = openLogFile({ path: logFilePath(dataDir, 'desktop') });
const log = createLogger({ level: logLevel.level, file: logFile });
if (logLevel.problem) log.warn(logLevel.problem);

const crash = crashReporter({
  log,
  logPath: logFile.path,
  show: (title, text) => {
    if (app.isReady()) void dialog.showMessageBox({ type: 'error', title, message: title, detail: text }).catch(() => undefined);
    else dialog.showErrorBox(title, text);
  },
});
process.on('uncaughtException', crash.uncaughtException);
process.on('unhandledRejection', crash.unhandledRejection);

const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererRoot = fileURLToPath(new URL('../renderer/', import.meta.url));
const rendererUrl = fromEnv('rendererUrl') ?? APP_RENDERER_URL;
let core: Core | undefined;
let bridge: DesktopBridge | undefined;
let closing = false;

function openExternal(url: string): void {
  shell.openExternal(url).catch((err: unknown) => log.warn('could not open a link', { url, message: String(err) }));
}

/** Saves where a window is, a moment after it stops moving, and when it closes. */
function rememberBounds(win: BrowserWindow): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
    try {
      saveWindowState(dataDir, windowStateOf(win.getNormalBounds(), win.isMaximized()));
    } catch (err) {
      log.warn('could not save the window state', { message: String(err) });
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('close', () => {
    clearTimeout(timer);
    save();
  });
}

/** A new window, on the start screen or on a route of the renderer (`#/flow/<queue>/<jobId>`). */
async function createWindow(route = ''): Promise<void> {
  if (!bridge) return;
  const beside = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  const placement = placeWindow({
    saved: loadWindowState(dataDir),
    workAreas: screen.getAllDisplays().map((d) => d.workArea),
    cascadeFrom: beside && !beside.isDestroyed() ? beside.getNormalBounds() : undefined,
  });
  const win = new BrowserWindow({ ...windowOptions(preload), ...placement.bounds });
  installWindowGuards(win.webContents, rendererUrl, openExternal, (flowRoute) => {
    void createWindow(flowRoute).catch((err: unknown) => log.error('could not open a window', { message: String(err) }));
  });
  bridge.attach(win.webContents);
  rememberBounds(win);
  win.once('ready-to-show', () => {
    if (placement.maximized) win.maximize();
    win.show();
  });
  await win.loadURL(`${rendererUrl.split('#')[0]}${route}`);
}

async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  bridge?.close();
  await core?.close().catch((err: unknown) => log.error('closing the core failed', { message: String(err) }));
}

function showLinkIn(win: BrowserWindow, link: Pick<FlowLink, 'queue' | 'jobId'>): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  const send = () => {
    if (!win.isDestroyed()) win.webContents.send(IPC_LINK_CHANNEL, link);
  };
  if (win.webContents.isLoading()) win.webContents.once('did-finish-load', send);
  else send();
}

const links = createDeepLinkRouter({
  currentConnection: () => core?.status().connectionId,
  useConnection: async (id) => {
    if (!core) return { ok: false, message: 'the app is not ready' };
    const result = await core.dispatch('useConnection', { id });
    return result.ok ? { ok: true } : { ok: false, message: result.error.message };
  },
  targetWindow: () => {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows().find((w) => !w.isDestroyed());
    return win && !win.isDestroyed() ? { showLink: (link) => showLinkIn(win, link) } : undefined;
  },
  openWindow: (route) => {
    void createWindow(route).catch((err: unknown) => log.error('could not open a window', { message: String(err) }));
  },
  problem: (message) => {
    log.warn('deep link not followed', { message });
    if (app.isReady()) void dialog.showMessageBox({ type: 'warning', title: 'Flowscope', message }).catch(() => undefined);
  },
});

app.enableSandbox();

function main(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  const registration = protocolClientArgs(process.defaultApp === true, process.execPath, process.argv, resolve, app.isPackaged, process.env);
  if (registration && !app.setAsDefaultProtocolClient(registration.scheme, registration.path, registration.args)) log.warn('could not register the flowscope:// link handler');

  // macOS hands links to the running app (and at launch) as open-url; Windows and Linux start a
  // second instance with the link in its arguments, which hands them here and quits.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    void links.openUrl(url);
  });
  app.on('second-instance', (_event, argv) => {
    void links.openFromArgv(argv).then((followed) => {
      if (followed) return;
      const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      if (win && !win.isDestroyed()) {
        if (win.isMinimized()) win.restore();
        win.focus();
      } else if (bridge) void createWindow().catch((err: unknown) => log.error('could not open a window', { message: String(err) }));
    });
  });
  void links.openFromArgv(process.argv);

  app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, async (request) => {
      const answer = await serveAppRequest(request.url, rendererRoot, (file) => readFile(file));
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    });
    core = await createCore({
      shell: 'desktop',
      ...connectionConfigFrom(process.env),
      dataDir,
      secrets: safeStorageSecrets(),
      log,
    });
    const activeCore = core;
    installSessionGuards(session.defaultSession, rendererUrl);
    bridge = bridgeCore(ipcMain, activeCore, rendererUrl, log);
    const newWindow = () => {
      void createWindow().catch((err: unknown) => log.error('could not open a window', { message: String(err) }));
    };
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          newWindow,
          openLogsFolder: () => {
            const folder = dirname(logFile.path);
            mkdirSync(folder, { recursive: true });
            void shell.openPath(folder).then((problem) => {
              if (problem) log.warn('could not open the logs folder', { folder, message: problem });
            });
          },
          runDemo: () => {
            void (async () => {
              for (const name of SCENARIO_NAMES) {
                const result = await activeCore.dispatch('runScenario', { name });
                if (!result.ok) log.warn('demo scenario did not start', { name, message: result.error.message });
              }
            })();
          },
        }),
      ),
    );
    if (!(await links.ready())) await createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) newWindow();
    });
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (closing) return;
    event.preventDefault();
    void shutdown().then(() => app.quit());
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown().then(() => app.exit(0)));
}

// One instance per data folder: a second launch (a deep link on Windows and Linux) hands its
// arguments to this one (second-instance) and quits.
if (app.requestSingleInstanceLock()) main();
else app.quit();
