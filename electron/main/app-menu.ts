// The desktop menu: the usual app, edit and view menus, File → New Window (each window is its
// own session), plus "Demo" (run every failure scenario on the current connection, as
// `flowscope demo` does), and Help → Open logs folder. The template is a pure function of the callbacks, unit-tested
// without Electron.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  runDemo(): void;
  newWindow(): void;
  /** Opens the folder of the log files (the data folder's logs/) in the file manager. */
  openLogsFolder(): void;
  isMac: boolean;
}

// A test seam: exported for the desktop e2e fixture (test/e2e/fixtures/desktop-host.ts), which clicks the menu item.
export const NEW_WINDOW_ID = 'new-window';
// A test seam: exported for test/unit/desktop-logs.test.ts.
export const OPEN_LOGS_ID = 'open-logs-folder';

export function menuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  return [
    ...(actions.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { id: NEW_WINDOW_ID, label: 'New Window', accelerator: 'CmdOrCtrl+N', click: () => actions.newWindow() },
        { type: 'separator' },
        actions.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Demo',
      submenu: [
        {
          label: 'Run demo (every failure scenario)',
          accelerator: 'CmdOrCtrl+Shift+D',
          click: () => actions.runDemo(),
        },
      ],
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ id: OPEN_LOGS_ID, label: 'Open logs folder', click: () => actions.openLogsFolder() }],
    },
  ];
}
