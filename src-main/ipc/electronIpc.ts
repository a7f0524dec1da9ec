/** Adapts Electron's ipcMain and webContents to the pure dispatcher and event sink. */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { invokeChannels, type InvokeChannel } from '../../src-preload/contract';
import type { CallerInfo, createDispatcher } from './dispatch';
import type { WindowMessenger } from '../common/EventSink';

function describeCaller(event: IpcMainInvokeEvent): CallerInfo {
  const window = BrowserWindow.fromWebContents(event.sender);
  const frame = event.senderFrame;
  return {
    windowId: window && !window.isDestroyed() ? window.id : null,
    frameUrl: frame?.url ?? '',
    isMainFrame: frame !== null && frame !== undefined && frame.parent === null,
  };
}

/** Registers one ipcMain handler per contract channel. Returns a function that removes them. */
export function registerIpcHandlers(dispatch: ReturnType<typeof createDispatcher>): () => void {
  const channels = Object.keys(invokeChannels) as InvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, (event, input: unknown) => dispatch(channel, input, describeCaller(event)));
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}

/** Sends to live windows only: a destroyed window is skipped, never thrown at. */
export const electronMessenger: WindowMessenger = {
  send(windowId, channel, payload) {
    const window = BrowserWindow.fromId(windowId);
    if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return false;
    window.webContents.send(channel, payload);
    return true;
  },
  windowIds() {
    return BrowserWindow.getAllWindows()
      .filter((window) => !window.isDestroyed())
      .map((window) => window.id);
  },
};
