/** App lifecycle only: everything else is created and wired in composition.ts. */
import { app, BrowserWindow } from 'electron';
import { startNagare, type RunningApp } from './composition';

// Tests and portable installs point the user-data folder elsewhere; set it before anything reads it.
if (process.env.NAGARE_USER_DATA_DIR) app.setPath('userData', process.env.NAGARE_USER_DATA_DIR);

let running: RunningApp | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => running?.focusMainWindow());

  void app.whenReady().then(async () => {
    running = await startNagare();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) running?.openMainWindow();
  });

  app.on('window-all-closed', () => {
    // macOS apps stay running without windows until the user quits.
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', () => {
    running?.shutdown();
  });
}
