// The Electron shell: creates the core, bridges IPC once for the app, opens windows (each its
// own core session; File → New Window opens another), installs the guards, remembers where the
// last window was, and closes the core (and its sandbox redis-server) on exit.
import { app, BrowserWindow, ipcMain, Menu, screen, session, shell } from 'electron';
import { SCENARIO_NAMES } from '../../shared/scenarios';
import { menuTemplate } from './app-menu';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCore, type Core } from '../core/create-core';
import { stderrLogger } from '../core/log/logger';
import { installSessionGuards, installWindowGuards } from './guards';
import { safeStorageSecrets } from './secret-store';
import { bridgeCore, type DesktopBridge } from './ipc-bridge';
import { windowOptions } from './window-options';
import { loadWindowState, placeWindow, saveWindowState, windowStateOf } from './window-state';

const log = stderrLogger('info');
const dataDir = process.env.FLOWSCOPE_DATA_DIR ?? app.getPath('userData');
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererUrl =
  process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(fileURLToPath(new URL('../renderer/index.html', import.meta.url))).toString();
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

app.enableSandbox();
app.whenReady().then(async () => {
  core = await createCore({
    shell: 'desktop',
    redisUrl: process.env.REDIS_URL,
    redisTlsCaFile: process.env.REDIS_TLS_CA,
    redisSentinelPassword: process.env.REDIS_SENTINEL_PASSWORD,
    prefix: process.env.FLOWSCOPE_PREFIX,
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
  await createWindow();
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
