// The Electron shell: creates the core and one window, installs the guards, bridges IPC,
// and closes the core (and its sandbox redis-server) on exit.
import { app, BrowserWindow, ipcMain, Menu, session } from 'electron';
import { SCENARIO_NAMES } from '../../shared/scenarios';
import { menuTemplate } from './app-menu';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCore, type Core } from '../core/create-core';
import { stderrLogger } from '../core/log/logger';
import { installGuards } from './guards';
import { safeStorageSecrets } from './secret-store';
import { bridgeCore } from './ipc-bridge';
import { windowOptions } from './window-options';

const log = stderrLogger('info');
let core: Core | undefined;
let closing = false;

async function createWindow(activeCore: Core): Promise<void> {
  const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const rendererUrl = devUrl ?? pathToFileURL(fileURLToPath(new URL('../renderer/index.html', import.meta.url))).toString();
  const win = new BrowserWindow(windowOptions(preload));
  installGuards(win.webContents, session.defaultSession, rendererUrl);
  const unbridge = bridgeCore(ipcMain, activeCore, win.webContents, rendererUrl, log);
  win.on('closed', unbridge);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(rendererUrl);
}

async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
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
    dataDir: process.env.FLOWSCOPE_DATA_DIR ?? app.getPath('userData'),
    secrets: safeStorageSecrets(),
    log,
  });
  const activeCore = core;
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isMac: process.platform === 'darwin',
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
  await createWindow(core);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && core) void createWindow(core);
  });
});

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (closing) return;
  event.preventDefault();
  void shutdown().then(() => app.quit());
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown().then(() => app.exit(0)));
