/** The main-side handler map: one entry per contract channel, each a thin call into a service. */
import type { Settings, StorageReport } from '../../src-preload/contract/types';
import type { settingsUpdateInput } from '../../src-preload/contract/schemas';
import type { AttachmentService } from '../attachments/AttachmentService';
import { packStreamLog } from '../../src-preload/contract/packedStreamLog';
import { AppError } from '../common/AppError';
import type { DraftStore } from '../history/DraftStore';
import type { HistoryRepository } from '../history/HistoryRepository';
import type { StreamLogStore } from '../history/StreamLogStore';
import type { Platform } from '../platform/electronPlatform';
import type { ProviderRegistry } from '../providers/ProviderRegistry';
import type { ProvidersService } from '../providers/ProvidersService';
import { toPresetView, PROVIDER_PRESETS } from '../providers/presets';
import type { SecretsApi } from '../secrets/SecretsService';
import type { SettingsService } from '../settings/SettingsService';
import type { ChatService } from '../streaming/ChatService';
import type { McpService } from '../mcp/McpService';
import type { FileTransferService } from '../transfer/FileTransferService';
import { externalUrl } from '../windows/security';
import type { z } from 'zod';
import type { CallContext, Handlers } from './dispatch';

/** What the handlers use of the history store. */
export type HandlerHistory = Pick<
  HistoryRepository,
  | 'getConversation'
  | 'listConversations'
  | 'openConversation'
  | 'rename'
  | 'setPinned'
  | 'configure'
  | 'deleteConversation'
  | 'undoDelete'
  | 'deleteMessage'
  | 'openAtMessage'
  | 'search'
>;

/** The services the handlers call; main builds them in composition.ts, tests pass typed fakes. */
export interface HandlerServices {
  platform: Pick<Platform, 'appVersion' | 'name' | 'systemLocale' | 'isOnline' | 'openExternal'>;
  settings: Pick<SettingsService, 'get' | 'update'>;
  /** Applies a settings change with its effects (default provider check, shortcut registration). */
  updateSettings: (patch: z.output<typeof settingsUpdateInput>) => Settings;
  providers: Pick<ProviderRegistry, 'list' | 'get'>;
  /** Saving, removing and querying providers, with the rules that bind keys to origins. */
  providerSetup: Pick<ProvidersService, 'save' | 'remove' | 'models' | 'verify'>;
  /** The write-only face: status, set, clear. */
  secrets: SecretsApi;
  /** These three throw a storage error when start-up could not open the database. */
  history: () => HandlerHistory;
  streamLogs: () => Pick<StreamLogStore, 'getPacked' | 'storage' | 'prune'>;
  drafts: () => Pick<DraftStore, 'get' | 'set'>;
  chat: Pick<ChatService, 'start' | 'cancel' | 'liveLog' | 'decideTool'>;
  /** Files pasted, dropped or picked: checked and kept by main, read back and opened by id. */
  attachments: Pick<AttachmentService, 'add' | 'read' | 'open' | 'save'>;
  /** The user's MCP servers. */
  mcp: Pick<McpService, 'list' | 'save' | 'remove' | 'restart' | 'setEnabled'>;
  /** Backup, export, import and `.sse` files, behind the dialog port. */
  transfers: Pick<
    FileTransferService,
    'backUpHistory' | 'exportHistory' | 'importHistory' | 'cancel' | 'saveStream' | 'openStream'
  >;
  /** What went wrong with storage, read afresh by each `app.info` (a damaged history replaced later changes it). */
  startup: StorageReport;
  quickAsk: {
    hide(): void;
    openInMain(conversationId: string): void;
  };
}

export function createHandlers(services: HandlerServices): Handlers {
  const { platform, settings, providers, providerSetup, secrets, chat, history, streamLogs, drafts } = services;

  return {
    'app.info': () => ({
      version: platform.appVersion,
      platform: platform.name,
      systemLocale: platform.systemLocale(),
      online: platform.isOnline(),
      ...services.startup,
    }),
    'app.openExternal': async ({ url }) => {
      const external = externalUrl(url);
      if (!external) throw new AppError('invalid_request', 'Only web and mail links can be opened.');
      await platform.openExternal(external);
    },

    'chat.start': (input, context: CallContext) => chat.start(input, context),
    'chat.cancel': ({ streamId }) => chat.cancel(streamId),
    'attachments.add': (input) => services.attachments.add(input),
    'attachments.read': ({ id }) => services.attachments.read(id),
    'attachments.open': (ref) => services.attachments.open(ref),
    'attachments.save': (ref) => services.attachments.save(ref),

    'tools.decide': ({ streamId, callId, decision }) => chat.decideTool(streamId, callId, decision),
    'mcp.list': () => services.mcp.list(),
    'mcp.save': (input) => services.mcp.save(input),
    'mcp.remove': ({ serverId }) => services.mcp.remove(serverId),
    'mcp.restart': ({ serverId }) => services.mcp.restart(serverId),
    'mcp.setEnabled': ({ serverId, enabled }) => services.mcp.setEnabled(serverId, enabled),
    'quickAsk.send': ({ content }, context) => {
      return chat.start({ content, mode: 'send' }, context);
    },
    'quickAsk.hide': () => services.quickAsk.hide(),
    'quickAsk.openInMain': ({ conversationId }) => {
      history().getConversation(conversationId);
      services.quickAsk.openInMain(conversationId);
    },

    'providers.list': () => providers.list(),
    'providers.presets': () => PROVIDER_PRESETS.map(toPresetView),
    'providers.save': (input) => providerSetup.save(input),
    'providers.remove': ({ providerId }) => providerSetup.remove(providerId),
    'providers.models': ({ providerId }) => providerSetup.models(providerId),

    'secrets.status': () => secrets.status(),
    'secrets.set': ({ providerId, key, sessionOnly }) => {
      providers.get(providerId);
      return secrets.set(providerId, key, sessionOnly);
    },
    'secrets.clear': ({ providerId }) => secrets.clear(providerId),
    'secrets.verify': ({ providerId }) => providerSetup.verify(providerId),

    'history.list': ({ cursor, limit }) => history().listConversations({ cursor, limit }),
    'history.open': ({ conversationId, before, limit }) =>
      history().openConversation({ conversationId, before, limit }),
    'history.rename': ({ conversationId, title }) => history().rename(conversationId, title),
    'history.pin': ({ conversationId, pinned }) => history().setPinned(conversationId, pinned),
    'history.configure': (input) => history().configure(input),
    'history.delete': ({ conversationId }) => history().deleteConversation(conversationId),
    'history.undoDelete': ({ undoToken }) => history().undoDelete(undoToken),
    'history.deleteMessage': ({ messageId, scope }) => history().deleteMessage(messageId, scope),
    'history.selectVersion': ({ messageId }) => history().openAtMessage(messageId),
    'history.search': ({ query, limit }) => history().search(query, limit),
    'history.export': (input, context) => services.transfers.exportHistory(input, context),
    'history.import': (_input, context) => services.transfers.importHistory(context),
    'history.backup': () => services.transfers.backUpHistory(),
    'transfer.cancel': () => services.transfers.cancel(),

    'drafts.get': ({ key }) => drafts().get(key),
    'drafts.set': ({ key, ...change }) => drafts().set(key, change),

    'settings.get': () => settings.get(),
    'settings.update': (patch) => services.updateSettings(patch),

    'inspector.log': ({ messageId }) => {
      const live = chat.liveLog(messageId);
      return live ? packStreamLog(live) : streamLogs().getPacked(messageId);
    },
    'inspector.saveStream': (input) => services.transfers.saveStream(input),
    'inspector.openStream': async () => {
      const opened = await services.transfers.openStream();
      return opened && packStreamLog(opened);
    },
    'inspector.storage': () => streamLogs().storage(),
    'inspector.prune': () => {
      streamLogs().prune();
    },
  };
}
