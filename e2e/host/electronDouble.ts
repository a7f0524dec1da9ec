/**
 * A test double of the `electron` module for the chromium host. The real main
 * bundle imports it instead of Electron; each BrowserWindow is a page of the
 * Debian Chromium the fixture started, reached over CDP, with the real built
 * preload injected before any page script and the real renderer loaded.
 *
 * It never ships: only e2e/fixtures/launchApp.ts starts main with it.
 * e2e/README.md lists where it differs from Electron.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';

const cdpEndpoint = process.env.NAGARE_E2E_CDP ?? '';
const ipcLogPath = process.env.NAGARE_E2E_IPC_LOG ?? '';
const dialogDir = process.env.NAGARE_E2E_DIALOG_DIR ?? '';
const packageJson = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8'),
) as { version: string; productName: string };

/** Everything main sent to a page, one JSON line each, so tests can assert what the renderer was told. */
function record(entry: Record<string, unknown>): void {
  if (ipcLogPath) appendFileSync(ipcLogPath, `${JSON.stringify(entry)}\n`);
}

let browserPromise: Promise<Browser> | null = null;
function browser(): Promise<Browser> {
  if (!cdpEndpoint) throw new Error('NAGARE_E2E_CDP is not set: the chromium host needs a browser to attach to');
  browserPromise ??= chromium.connectOverCDP(cdpEndpoint);
  return browserPromise;
}

// ---------------------------------------------------------------- app

const paths = new Map<string, string>();
const userData = process.env.NAGARE_USER_DATA_DIR ?? join(tmpdir(), 'nagare-e2e-user-data');

class App extends EventEmitter {
  readonly isPackaged = false;
  readonly name = packageJson.productName;
  private ready = false;

  constructor() {
    super();
    setImmediate(() => {
      this.ready = true;
      this.emit('ready');
    });
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.once('ready', () => resolve()));
  }
  isReady(): boolean {
    return this.ready;
  }
  getPath(name: string): string {
    const known = paths.get(name);
    if (known) return known;
    const base = paths.get('userData') ?? userData;
    if (name === 'logs') return join(base, 'logs');
    if (name === 'temp') return tmpdir();
    return join(base, name);
  }
  setPath(name: string, value: string): void {
    paths.set(name, value);
  }
  getVersion(): string {
    return packageJson.version;
  }
  getName(): string {
    return this.name;
  }
  getLocale(): string {
    return process.env.NAGARE_E2E_LOCALE ?? 'en-US';
  }
  getPreferredSystemLanguages(): string[] {
    return [this.getLocale()];
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  setAppUserModelId(): void {}
  focus(): void {}
  quit(): void {
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.emit('will-quit', event);
    // As in Electron, quitting closes every window, and each first hears 'close'.
    void Promise.all(BrowserWindow.getAllWindows().map((window) => window.closeForQuit())).finally(() =>
      process.exit(0),
    );
  }
  exit(code = 0): void {
    process.exit(code);
  }
}

export const app = new App();

// ---------------------------------------------------------------- ipc

type InvokeHandler = (event: IpcEvent, ...args: unknown[]) => unknown;
interface IpcEvent {
  sender: WebContents;
  senderFrame: { url: string; parent: null | object };
}

class IpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export const ipcMain = new IpcMain();

// ---------------------------------------------------------------- windows

let nextId = 1;

interface WindowOpenDetails {
  url: string;
}
type WindowOpenHandler = (details: WindowOpenDetails) => { action: 'allow' | 'deny' };

class WebContents extends EventEmitter {
  readonly id: number;
  private destroyed = false;
  private pending: Array<[string, unknown]> = [];
  private delivering = false;
  windowOpenHandler: WindowOpenHandler = () => ({ action: 'allow' });
  page: Page | null = null;
  currentUrl = '';

  constructor(id: number) {
    super();
    this.id = id;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    record({ type: 'send', windowId: this.id, channel, payload: args[0] });
    const page = this.page;
    if (!page) return;
    this.pending.push([channel, args[0]]);
    if (!this.delivering) void this.deliver(page);
  }
  /**
   * Delivers what main sent, in order, as over Electron's IPC. Messages sent
   * while one delivery is in flight go together in the next, so a busy page is
   * not also kept waiting on one CDP round trip per message.
   */
  private async deliver(page: Page): Promise<void> {
    this.delivering = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      await page
        .evaluate((messages) => {
          const dispatch = (window as unknown as HostWindow).__nagareHostDispatch;
          for (const [channel, payload] of messages) dispatch?.(channel, payload);
        }, batch)
        .catch(() => undefined);
    }
    this.delivering = false;
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.currentUrl;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  markDestroyed(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
  isLoading(): boolean {
    return false;
  }
  focus(): void {}
  openDevTools(): void {}
  get session() {
    return session.defaultSession;
  }
  get mainFrame() {
    return { url: this.currentUrl, parent: null };
  }
}

interface HostWindow {
  __nagareHostDispatch?: (channel: string, payload: unknown) => void;
}

/**
 * The renderer half of the double, run in the page before the preload. It also puts the
 * clipboard behind main's permission handlers, as Electron does: Chromium alone grants a focused
 * page's sanitized writes, so without this a handler that refuses them would go unnoticed.
 */
function rendererShim(preloadSource: string): string {
  return `(() => {
  const listeners = new Map();
  const invoke = window.__nagareHostInvoke;
  const sendBinding = window.__nagareHostSend;
  const permissionBinding = window.__nagareHostPermission;
  delete window.__nagareHostInvoke;
  delete window.__nagareHostSend;
  delete window.__nagareHostPermission;
  const denied = (what) => new DOMException(what + ' permission denied.', 'NotAllowedError');
  const gate = (name, permission, what, after) => {
    const original = Clipboard.prototype[name];
    Object.defineProperty(Clipboard.prototype, name, {
      configurable: true,
      writable: true,
      value: function (...args) {
        return permissionBinding('request', permission, location.href).then((granted) => {
          if (!granted) throw denied(what);
          return original.apply(this, args).then((result) => (after ? after(args).then(() => result) : result));
        });
      },
    });
  };
  gate('writeText', 'clipboard-sanitized-write', 'Write', ([text]) => permissionBinding('wrote', String(text), location.href));
  gate('write', 'clipboard-sanitized-write', 'Write');
  gate('readText', 'clipboard-read', 'Read');
  gate('read', 'clipboard-read', 'Read');
  const query = Permissions.prototype.query;
  Permissions.prototype.query = function (descriptor) {
    const permission = { 'clipboard-write': 'clipboard-sanitized-write', 'clipboard-read': 'clipboard-read' }[descriptor && descriptor.name];
    if (!permission) return query.call(this, descriptor);
    return permissionBinding('check', permission, location.href).then((granted) => ({
      name: descriptor.name,
      state: granted ? 'granted' : 'denied',
      onchange: null,
      addEventListener() {},
      removeEventListener() {},
    }));
  };
  Object.defineProperty(window, '__nagareHostDispatch', {
    value: (channel, payload) => {
      for (const listener of [...(listeners.get(channel) || [])]) listener({}, payload);
    },
  });
  const ipcRenderer = {
    invoke: (channel, ...args) => invoke(channel, args),
    send: (channel, ...args) => { sendBinding(channel, args); },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return ipcRenderer;
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
  };
  const contextBridge = {
    exposeInMainWorld(key, api) {
      Object.defineProperty(window, key, { value: api, enumerable: true, configurable: false, writable: false });
    },
  };
  const electron = { contextBridge, ipcRenderer };
  const require = (name) => {
    if (name === 'electron') return electron;
    throw new Error('Cannot find module ' + name + ' (a sandboxed preload can only require electron)');
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${preloadSource}
  })(require, module, module.exports);
})();`;
}

interface BrowserWindowOptions {
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  show?: boolean;
  title?: string;
  webPreferences?: { preload?: string; contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean };
}

export class BrowserWindow extends EventEmitter {
  private static readonly all = new Map<number, BrowserWindow>();
  readonly id: number;
  readonly webContents: WebContents;
  readonly options: BrowserWindowOptions;
  private readonly ready: Promise<Page>;
  private destroyed = false;
  private loadingByMain: string | null = null;
  private visible = false;
  private focused = false;
  private bounds: { x: number; y: number; width: number; height: number };
  private maximized = false;
  private minimized = false;

  static getAllWindows(): BrowserWindow[] {
    return [...BrowserWindow.all.values()];
  }
  static fromId(id: number): BrowserWindow | null {
    return BrowserWindow.all.get(id) ?? null;
  }
  static fromWebContents(contents: WebContents): BrowserWindow | null {
    return BrowserWindow.all.get(contents.id) ?? null;
  }
  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((window) => window.focused) ?? null;
  }

  constructor(options: BrowserWindowOptions = {}) {
    super();
    this.id = nextId++;
    this.options = options;
    this.webContents = new WebContents(this.id);
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    this.visible = options.show !== false;
    BrowserWindow.all.set(this.id, this);
    this.ready = this.openPage();
    this.ready.catch((error: unknown) => console.error('chromium host: could not open a window', error));
  }

  private async openPage(): Promise<Page> {
    const connected = await browser();
    const context = connected.contexts()[0] ?? (await connected.newContext());
    const page = await context.newPage();
    await page.setViewportSize({ width: this.bounds.width, height: this.bounds.height });
    this.webContents.page = page;

    await page.exposeBinding('__nagareHostInvoke', async ({ frame }, channel: string, args: unknown[]) => {
      const handler = ipcMain.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const event: IpcEvent = {
        sender: this.webContents,
        senderFrame: { url: frame.url(), parent: frame.parentFrame() ? {} : null },
      };
      const answer = await handler(event, ...(args ?? []));
      record({ type: 'invoke', windowId: this.id, channel, answer });
      return answer;
    });
    await page.exposeBinding('__nagareHostSend', ({ frame }, channel: string, args: unknown[]) => {
      const event = { sender: this.webContents, senderFrame: { url: frame.url(), parent: null } };
      ipcMain.emit(channel, event, ...(args ?? []));
    });

    await page.exposeBinding(
      '__nagareHostPermission',
      async (_source, kind: 'request' | 'check' | 'wrote', subject: string, requestingUrl: string) => {
        if (kind === 'wrote') {
          record({ type: 'clipboard', windowId: this.id, text: subject });
          return true;
        }
        const granted =
          kind === 'check'
            ? checkPermission(this.webContents, subject, requestingUrl)
            : await requestPermission(this.webContents, subject, requestingUrl);
        record({ type: `permission-${kind}`, windowId: this.id, permission: subject, granted });
        return granted;
      },
    );
    await applyHeadersReceived(await page.context().newCDPSession(page), this.webContents);

    const preloadPath = this.options.webPreferences?.preload;
    if (preloadPath) await page.addInitScript({ content: rendererShim(readFileSync(preloadPath, 'utf8')) });

    // Navigations away from the page are offered to main as `will-navigate`, as Electron does.
    await page.route('**/*', async (route) => {
      const request = route.request();
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return route.continue();
      // Loads that main itself asked for are not offered to will-navigate, as in Electron.
      if (this.loadingByMain && request.url().split('#')[0] === this.loadingByMain.split('#')[0])
        return route.continue();
      const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
      this.webContents.emit('will-navigate', event, request.url());
      record({ type: 'will-navigate', windowId: this.id, url: request.url(), refused: event.defaultPrevented });
      return event.defaultPrevented ? route.abort('aborted') : route.continue();
    });

    page.on('popup', (popup) => {
      const answer = this.webContents.windowOpenHandler({ url: popup.url() });
      record({ type: 'window-open', windowId: this.id, url: popup.url(), action: answer.action });
      if (answer.action === 'deny') void popup.close();
    });
    page.on('close', () => this.finishClose());
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.webContents.currentUrl = frame.url();
    });
    return page;
  }

  async loadFile(path: string, options: { hash?: string; query?: Record<string, string> } = {}): Promise<void> {
    const url = pathToFileURL(path);
    if (options.hash) url.hash = options.hash;
    return this.loadURL(url.href);
  }

  async loadURL(url: string): Promise<void> {
    const page = await this.ready;
    this.webContents.currentUrl = url;
    this.loadingByMain = url;
    try {
      await page.goto(url, { waitUntil: 'load' });
    } finally {
      this.loadingByMain = null;
    }
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
  }

  private finishClose(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    BrowserWindow.all.delete(this.id);
    this.webContents.markDestroyed();
    this.emit('closed');
    if (BrowserWindow.all.size === 0) app.emit('window-all-closed');
  }

  async closeNow(): Promise<void> {
    const page = this.webContents.page;
    if (page && !page.isClosed()) await page.close().catch(() => undefined);
    this.finishClose();
  }

  close(): void {
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    this.emit('close', event);
    if (!event.defaultPrevented) void this.closeNow();
  }
  async closeForQuit(): Promise<void> {
    this.emit('close', { defaultPrevented: false, preventDefault: () => undefined });
    await this.closeNow();
  }
  destroy(): void {
    void this.closeNow();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  show(): void {
    this.visible = true;
    this.focused = true;
    record({ type: 'window.show', windowId: this.id });
    this.emit('show');
    void this.ready.then((page) => page.bringToFront()).catch(() => undefined);
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
    record({ type: 'window.hide', windowId: this.id });
    this.emit('hide');
  }
  isVisible(): boolean {
    return this.visible;
  }
  focus(): void {
    this.focused = true;
    this.emit('focus');
  }
  blur(): void {
    this.focused = false;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  minimize(): void {
    this.minimized = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  maximize(): void {
    this.maximized = true;
  }
  unmaximize(): void {
    this.maximized = false;
  }
  isFullScreen(): boolean {
    return false;
  }
  getBounds() {
    return { ...this.bounds };
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  setBounds(bounds: Partial<{ x: number; y: number; width: number; height: number }>): void {
    this.bounds = { ...this.bounds, ...bounds };
  }
  center(): void {}
  setTitle(): void {}
  setAlwaysOnTop(): void {}
  setSkipTaskbar(): void {}
  setMenuBarVisibility(): void {}
}

// ---------------------------------------------------------------- session, shell, dialog, theme, net…

type PermissionRequestHandler = (
  contents: WebContents,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string; isMainFrame: boolean },
) => void;
type PermissionCheckHandler = (
  contents: WebContents | null,
  permission: string,
  requestingOrigin: string,
  details: { embeddingOrigin: string; requestingUrl: string; isMainFrame: boolean },
) => boolean;

interface HeadersReceivedDetails {
  id: number;
  url: string;
  method: string;
  resourceType: string;
  referrer: string;
  timestamp: number;
  statusLine: string;
  statusCode: number;
  responseHeaders: Record<string, string[]>;
  webContentsId: number;
  webContents: WebContents;
}
interface HeadersReceivedResponse {
  cancel?: boolean;
  responseHeaders?: Record<string, string | string[]>;
  statusLine?: string;
}
type HeadersReceivedListener = (
  details: HeadersReceivedDetails,
  callback: (response: HeadersReceivedResponse) => void,
) => void;

export const session = {
  defaultSession: {
    permissionRequestHandler: null as PermissionRequestHandler | null,
    permissionCheckHandler: null as PermissionCheckHandler | null,
    setPermissionRequestHandler(handler: PermissionRequestHandler | null) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler | null) {
      this.permissionCheckHandler = handler;
    },
    webRequest: {
      headersReceived: null as HeadersReceivedListener | null,
      /** As Electron: one listener, set again to replace it, null to remove it. URL filters are not supported. */
      onHeadersReceived(filterOrListener: HeadersReceivedListener | object | null, listener?: HeadersReceivedListener) {
        if (typeof filterOrListener === 'object' && filterOrListener !== null) {
          throw new Error('The electron double does not filter onHeadersReceived by URL');
        }
        this.headersReceived = filterOrListener ?? listener ?? null;
      },
    },
  },
};

/** Chromium's origin of a URL, as Electron passes it: `file:///` for files. */
function originOf(url: string): string {
  const parsed = new URL(url);
  return parsed.protocol === 'file:' ? 'file:///' : `${parsed.origin}/`;
}

/**
 * A page asks for a permission (`navigator.clipboard.writeText` asks for
 * `clipboard-sanitized-write`): Chromium hands the request to Electron's permission manager,
 * which grants it when no request handler is set and otherwise asks the handler.
 */
function requestPermission(contents: WebContents, permission: string, requestingUrl: string): Promise<boolean> {
  const handler = session.defaultSession.permissionRequestHandler;
  if (!handler) return Promise.resolve(true);
  return new Promise((resolve) => handler(contents, permission, resolve, { requestingUrl, isMainFrame: true }));
}

/** A page reads a permission's status (`navigator.permissions.query`): Electron asks the check handler, or grants. */
function checkPermission(contents: WebContents, permission: string, requestingUrl: string): boolean {
  const handler = session.defaultSession.permissionCheckHandler;
  if (!handler) return true;
  const origin = originOf(requestingUrl);
  return handler(contents, permission, origin, { embeddingOrigin: origin, requestingUrl, isMainFrame: true }) === true;
}

/** Electron's resource types, by CDP's. */
const RESOURCE_TYPES: Record<string, string> = {
  Document: 'mainFrame',
  Stylesheet: 'stylesheet',
  Script: 'script',
  Image: 'image',
  Font: 'font',
  Media: 'media',
  XHR: 'xhr',
  Fetch: 'xhr',
  Ping: 'ping',
  CSPViolationReport: 'cspReport',
  WebSocket: 'webSocket',
};

let nextRequestId = 1;

/**
 * Runs main's `webRequest.onHeadersReceived` listener on every file the page loads (the renderer
 * is all file://) and serves the file with the headers it answers, as Electron does: so the
 * Content-Security-Policy header main sets applies, not only the `<meta>` copy. Playwright's
 * route cannot fulfil file:// responses; the DevTools Fetch domain can pause them after the file
 * was read and continue them with new headers.
 */
async function applyHeadersReceived(cdp: CDPSession, contents: WebContents): Promise<void> {
  cdp.on('Fetch.requestPaused', (paused) => {
    const statusCode = paused.responseStatusCode ?? 200;
    const proceed = (headers?: Record<string, string | string[]>) =>
      cdp
        .send('Fetch.continueResponse', {
          requestId: paused.requestId,
          ...(headers
            ? {
                responseCode: statusCode,
                responseHeaders: Object.entries(headers).flatMap(([name, values]) =>
                  [values].flat().map((value) => ({ name, value: String(value) })),
                ),
              }
            : {}),
        })
        .catch(() => undefined);
    const listener = session.defaultSession.webRequest.headersReceived;
    if (!listener) return void proceed();
    const responseHeaders: Record<string, string[]> = {};
    for (const { name, value } of paused.responseHeaders ?? []) (responseHeaders[name] ??= []).push(value);
    listener(
      {
        id: nextRequestId++,
        url: paused.request.url,
        method: paused.request.method,
        resourceType: RESOURCE_TYPES[paused.resourceType] ?? 'other',
        referrer: paused.request.headers['Referer'] ?? '',
        timestamp: Date.now(),
        statusLine: `HTTP/1.1 ${statusCode}`,
        statusCode,
        responseHeaders,
        webContentsId: contents.id,
        webContents: contents,
      },
      (response) => {
        if (response.cancel) {
          void cdp.send('Fetch.failRequest', { requestId: paused.requestId, errorReason: 'BlockedByClient' });
          return;
        }
        const headers = response.responseHeaders ?? responseHeaders;
        record({ type: 'headers-received', url: paused.request.url, headers });
        void proceed(headers);
      },
    );
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: 'file://*', requestStage: 'Response' }] });
}

export const shell = {
  async openExternal(url: string): Promise<void> {
    record({ type: 'openExternal', url });
  },
  showItemInFolder(path: string): void {
    record({ type: 'showItemInFolder', path });
  },
  async openPath(path: string): Promise<string> {
    record({ type: 'openPath', path });
    return '';
  },
};

/** Answers a file dialog with the path the test left in NAGARE_E2E_DIALOG_DIR, or cancels. */
function takeDialogAnswer(kind: 'save' | 'open'): string | null {
  if (!dialogDir) return null;
  const file = join(dialogDir, `next-${kind}-path`);
  if (!existsSync(file)) return null;
  const answer = readFileSync(file, 'utf8').trim();
  rmSync(file);
  return answer || null;
}

export const dialog = {
  async showSaveDialog(..._args: unknown[]) {
    const filePath = takeDialogAnswer('save');
    record({ type: 'dialog', kind: 'save', filePath });
    return { canceled: filePath === null, filePath: filePath ?? undefined };
  },
  async showOpenDialog(..._args: unknown[]) {
    const filePath = takeDialogAnswer('open');
    record({ type: 'dialog', kind: 'open', filePath });
    return { canceled: filePath === null, filePaths: filePath ? [filePath] : [] };
  },
  async showMessageBox(..._args: unknown[]) {
    return { response: 0, checkboxChecked: false };
  },
  showErrorBox(title: string, content: string): void {
    console.error(`${title}: ${content}`);
  },
};

class NativeTheme extends EventEmitter {
  themeSource: 'system' | 'light' | 'dark' = 'system';
  get shouldUseDarkColors(): boolean {
    return this.themeSource === 'dark';
  }
}
export const nativeTheme = new NativeTheme();

let online = true;
export const net = {
  fetch: (input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init),
  isOnline: () => online,
};

interface MenuItemOptions {
  label?: string;
  role?: string;
  accelerator?: string;
  submenu?: MenuItemOptions[];
  click?: (...args: unknown[]) => void;
  id?: string;
}
class MenuDouble {
  constructor(readonly items: MenuItemOptions[]) {}
}
export const Menu = {
  applicationMenu: null as MenuDouble | null,
  buildFromTemplate: (template: MenuItemOptions[]) => new MenuDouble(template),
  setApplicationMenu(menu: MenuDouble | null) {
    this.applicationMenu = menu;
    record({ type: 'menu', labels: menu?.items.map((item) => item.label ?? item.role) ?? [] });
  },
  getApplicationMenu() {
    return this.applicationMenu;
  },
};

const shortcuts = new Map<string, () => void>();
/** Accelerators another app holds: registering them fails, as Electron's `register` answers false. */
const heldByOtherApps = new Set<string>();
export const globalShortcut = {
  register(accelerator: string, callback: () => void): boolean {
    if (heldByOtherApps.has(accelerator)) return false;
    shortcuts.set(accelerator, callback);
    record({ type: 'globalShortcut.register', accelerator });
    return true;
  },
  unregister(accelerator: string): void {
    shortcuts.delete(accelerator);
  },
  unregisterAll(): void {
    shortcuts.clear();
  },
  isRegistered: (accelerator: string) => shortcuts.has(accelerator),
};

const primaryDisplay = {
  id: 1,
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  workArea: { x: 0, y: 0, width: 1920, height: 1050 },
  scaleFactor: 1,
};
export const screen = {
  getAllDisplays: () => [primaryDisplay],
  getPrimaryDisplay: () => primaryDisplay,
  getDisplayMatching: () => primaryDisplay,
  getDisplayNearestPoint: () => primaryDisplay,
  getCursorScreenPoint: () => ({ x: 960, y: 540 }),
};

export const powerMonitor = new EventEmitter();

// ---------------------------------------------------------------- control channel from the test

/**
 * The fixture drives what a person would do outside the page (press a global
 * hotkey, lose the network, launch a second instance) through JSON lines on stdin.
 */
if (process.env.NAGARE_E2E_CONTROL === 'stdin') {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = JSON.parse(line) as { type: string; accelerator?: string; online?: boolean };
    if (command.type === 'globalShortcut') shortcuts.get(command.accelerator ?? '')?.();
    if (command.type === 'globalShortcut.heldByOtherApp') heldByOtherApps.add(command.accelerator ?? '');
    if (command.type === 'network') online = command.online ?? true;
    if (command.type === 'second-instance') app.emit('second-instance', {}, [], process.cwd());
    if (command.type === 'quit') app.quit();
  });
}

export default {
  app,
  BrowserWindow,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeTheme,
  net,
  powerMonitor,
  screen,
  session,
  shell,
};
