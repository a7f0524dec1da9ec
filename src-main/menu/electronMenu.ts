/** Installs the application menu: the thin adapter from the plain template to Electron's Menu. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, type MenuItemTemplate, type MenuOptions } from './appMenu';

export interface MenuHandlers {
  runCommand(command: string): void;
  checkForUpdates(): void;
  showLogs(): void;
  quickAsk(): void;
}

function toElectron(item: MenuItemTemplate, handlers: MenuHandlers): MenuItemConstructorOptions {
  const { command, action, submenu, ...rest } = item;
  const options = { ...rest } as MenuItemConstructorOptions;
  if (submenu) options.submenu = submenu.map((child) => toElectron(child, handlers));
  if (command) options.click = () => handlers.runCommand(command);
  if (action) options.click = () => handlers[action]();
  return options;
}

export function installApplicationMenu(options: MenuOptions, handlers: MenuHandlers): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(options).map((item) => toElectron(item, handlers))));
}
