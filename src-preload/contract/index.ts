/** The IPC contract shared by main, preload and renderer. Imports nothing from electron or node. */
export * from './errors';
export * from './types';
export * from './channels';
export * from './api';
export * from './tools';
export * from './packedStreamLog';
