// The desktop menu: the usual app, edit and view menus, plus "Demo" (run every failure
// scenario on the current connection, as `flowscope demo` does). The template is a pure
// function of the callbacks, unit-tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  runDemo(): void;
  isMac: boolean;
}

export function menuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  return [
    ...(actions.isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
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
  ];
}
