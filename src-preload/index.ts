/** Preload entry: exposes the contract's API, and nothing else, as `window.nagare`. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './bridge';

contextBridge.exposeInMainWorld('nagare', buildApi(ipcRenderer));
