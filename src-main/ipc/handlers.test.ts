import { describe, expect, it, vi } from 'vitest';
import type { Conversation, ImportReport, Settings } from '../../src-preload/contract/types';
import { sampleStreamLog } from '../transfer/testSupport';
import { packStreamLog, unpackStreamLog } from '../../src-preload/contract/packedStreamLog';
import { AppError } from '../common/AppError';
import { createHandlers, type HandlerHistory, type HandlerServices } from './handlers';

const context = { windowId: 7 };
const conversation: Conversation = {
  id: 'c1',
  title: 'Trip',
  pinned: false,
  createdAt: 1,
  updatedAt: 2,
  providerId: null,
  model: null,
  systemPrompt: '',
  parameters: {},
  toolServerIds: [],
};
const settingsValue: Settings = {
  theme: 'dark',
  language: 'ja',
  defaultProviderId: null,
  defaultParameters: {},
  quickAskShortcut: '',
  idleTimeoutSeconds: 60,
  sidebarCollapsed: false,
};
const report: ImportReport = {
  cancelled: false,
  conversationsAdded: 3,
  messagesAdded: 9,
  alreadyPresent: 0,
  skipped: [],
  skippedCount: 0,
};
const log = sampleStreamLog();

/** Every service as a typed fake: each method is a `vi.fn` with the real signature's shape. */
function fakes() {
  const history: HandlerHistory = {
    getConversation: vi.fn(() => conversation),
    listConversations: vi.fn(() => ({ items: [], nextCursor: null })),
    openConversation: vi.fn(() => ({ conversation, messages: [], olderCursor: null })),
    rename: vi.fn(),
    setPinned: vi.fn(),
    configure: vi.fn(() => conversation),
    deleteConversation: vi.fn(() => ({ undoToken: 'u', undoWindowMs: 10_000 })),
    undoDelete: vi.fn(),
    deleteMessage: vi.fn(),
    openAtMessage: vi.fn(() => ({ conversation, messages: [], olderCursor: null })),
    search: vi.fn(() => []),
  };
  const streamLogs: ReturnType<HandlerServices['streamLogs']> = {
    getPacked: vi.fn(() => packStreamLog(log)),
    storage: vi.fn(() => ({ bytes: 10, messages: 1 })),
    prune: vi.fn(() => 1),
  };
  const drafts: ReturnType<HandlerServices['drafts']> = {
    get: vi.fn(() => ({ text: 'draft', attachments: [] })),
    set: vi.fn(),
  };
  const transfers: HandlerServices['transfers'] = {
    backUpHistory: vi.fn(async () => ({ savedTo: '/chosen/backup.db' })),
    exportHistory: vi.fn(async () => ({ savedTo: '/chosen/file.json' })),
    importHistory: vi.fn(async () => report),
    cancel: vi.fn(),
    saveStream: vi.fn(async () => ({ savedTo: '/chosen/stream.sse' })),
    openStream: vi.fn(async () => log),
  };
  const attachments: HandlerServices['attachments'] = {
    add: vi.fn(async () => {
      throw new Error('not used');
    }),
    read: vi.fn(() => new Uint8Array([1, 2, 3])),
    open: vi.fn(async () => undefined),
    save: vi.fn(async () => ({ savedTo: null })),
  };
  const services: HandlerServices = {
    attachments,
    platform: {
      appVersion: '1.2.3',
      name: 'linux',
      systemLocale: () => 'ja-JP',
      isOnline: () => true,
      openExternal: vi.fn(async () => undefined),
    },
    settings: { get: vi.fn(() => settingsValue), update: vi.fn(() => settingsValue) },
    updateSettings: vi.fn(() => settingsValue),
    providers: { list: vi.fn(() => []), get: vi.fn() },
    providerSetup: {
      save: vi.fn(),
      remove: vi.fn(async () => undefined),
      models: vi.fn(async () => ['m1']),
      verify: vi.fn(async () => ({ models: 1 })),
    },
    secrets: { status: vi.fn(), set: vi.fn(), clear: vi.fn(async () => undefined) },
    history: () => history,
    streamLogs: () => streamLogs,
    drafts: () => drafts,
    chat: {
      start: vi.fn(async () => ({ streamId: 's', conversationId: 'c1', userMessageId: 'u', assistantMessageId: 'a' })),
      cancel: vi.fn(),
      liveLog: vi.fn(() => null),
      decideTool: vi.fn(),
    },
    mcp: { list: vi.fn(() => []), save: vi.fn(), remove: vi.fn(), restart: vi.fn(), setEnabled: vi.fn() },
    transfers,
    startup: { recoveredDatabasePath: null, damagedWalPath: null, storageProblem: null },
    quickAsk: { hide: vi.fn(), openInMain: vi.fn() },
  };
  return { services, history, streamLogs, drafts, transfers, handlers: createHandlers(services) };
}

describe('createHandlers', () => {
  it('hands file transfer to the transfer service, with the caller', async () => {
    const { handlers, transfers } = fakes();
    await expect(handlers['history.export']({ conversationId: 'c1', format: 'markdown' }, context)).resolves.toEqual({
      savedTo: '/chosen/file.json',
    });
    expect(transfers.exportHistory).toHaveBeenCalledWith({ conversationId: 'c1', format: 'markdown' }, context);
    await expect(handlers['history.import'](undefined, context)).resolves.toBe(report);
    expect(transfers.importHistory).toHaveBeenCalledWith(context);
    handlers['transfer.cancel'](undefined, context);
    expect(transfers.cancel).toHaveBeenCalledTimes(1);
    await expect(handlers['inspector.saveStream']({ messageId: 'm1' }, context)).resolves.toEqual({
      savedTo: '/chosen/stream.sse',
    });
    expect(transfers.saveStream).toHaveBeenCalledWith({ messageId: 'm1' });
    await expect(handlers['inspector.openStream'](undefined, context)).resolves.toEqual(packStreamLog(log));
    await expect(handlers['history.backup'](undefined, context)).resolves.toEqual({ savedTo: '/chosen/backup.db' });
    expect(transfers.backUpHistory).toHaveBeenCalledTimes(1);
  });

  it('hands provider set-up to the service that binds keys to their servers', async () => {
    const { handlers, services } = fakes();
    await handlers['providers.remove']({ providerId: 'p1' }, context);
    expect(services.providerSetup.remove).toHaveBeenCalledWith('p1');
    await expect(handlers['providers.models']({ providerId: 'p1' }, context)).resolves.toEqual(['m1']);
    await expect(handlers['secrets.verify']({ providerId: 'p1' }, context)).resolves.toEqual({ models: 1 });
    expect(services.providerSetup.verify).toHaveBeenCalledWith('p1');
  });

  it('applies settings through the one call that checks the provider and registers the shortcut', () => {
    const { handlers, services } = fakes();
    expect(handlers['settings.update']({ quickAskShortcut: 'Alt+Space' }, context)).toBe(settingsValue);
    expect(services.updateSettings).toHaveBeenCalledWith({ quickAskShortcut: 'Alt+Space' });
    expect(services.settings.update).not.toHaveBeenCalled();
  });

  it('passes history operations straight to the store', async () => {
    const { handlers, history, streamLogs, drafts } = fakes();
    handlers['history.rename']({ conversationId: 'c1', title: 'New' }, context);
    expect(history.rename).toHaveBeenCalledWith('c1', 'New');
    expect(handlers['history.delete']({ conversationId: 'c1' }, context)).toEqual({
      undoToken: 'u',
      undoWindowMs: 10_000,
    });
    expect(handlers['drafts.get']({ key: 'k' }, context)).toEqual({ text: 'draft', attachments: [] });
    handlers['drafts.set']({ key: 'k', text: 'x' }, context);
    expect(drafts.set).toHaveBeenCalledWith('k', { text: 'x' });
    // Without a live log the saved one answers, packed as it was stored.
    expect(unpackStreamLog((await handlers['inspector.log']({ messageId: 'm1' }, context))!)).toEqual(log);
    expect(streamLogs.getPacked).toHaveBeenCalledWith('m1');
  });

  it('tells app facts and opens only web and mail links', async () => {
    const { handlers, services } = fakes();
    expect(await handlers['app.info'](undefined, context)).toEqual({
      version: '1.2.3',
      platform: 'linux',
      systemLocale: 'ja-JP',
      online: true,
      recoveredDatabasePath: null,
      damagedWalPath: null,
      storageProblem: null,
    });
    await handlers['app.openExternal']({ url: 'https://example.com' }, context);
    // What the parser made of the text, never the raw string.
    expect(services.platform.openExternal).toHaveBeenCalledWith('https://example.com/');
    await expect(handlers['app.openExternal']({ url: 'file:///etc/passwd' }, context)).rejects.toBeInstanceOf(AppError);
    expect(services.platform.openExternal).toHaveBeenCalledTimes(1);
  });

  it('opens a quick-ask conversation in the main window only when it exists', async () => {
    const { handlers, services, history } = fakes();
    await handlers['quickAsk.openInMain']({ conversationId: 'c1' }, context);
    expect(services.quickAsk.openInMain).toHaveBeenCalledWith('c1');
    vi.mocked(history.getConversation).mockImplementationOnce(() => {
      throw new AppError('missing', 'gone');
    });
    expect(() => handlers['quickAsk.openInMain']({ conversationId: 'gone' }, context)).toThrow('gone');
    expect(services.quickAsk.openInMain).toHaveBeenCalledTimes(1);
  });
});
