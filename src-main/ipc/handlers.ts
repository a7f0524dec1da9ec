/** The main-side handler map: one entry per contract channel, each a thin call into a service. */
import { readFileSync } from 'node:fs';
import type { AppInfo, ExportFormat } from '../../src-preload/contract/types';
import type { HistoryRepository } from '../history/HistoryRepository';
import { parseSseFile, serializeSseFile } from '../inspector/sseFile';
import type { FileDialogFilter, Platform } from '../platform/electronPlatform';
import type { ProviderRegistry } from '../providers/ProviderRegistry';
import { toPresetView, PROVIDER_PRESETS } from '../providers/presets';
import type { SecretsApi, SecretsReader } from '../secrets/SecretsService';
import { writeFileAtomically } from '../common/writeFileAtomically';
import type { SettingsService } from '../settings/SettingsService';
import type { ChatCompletionClient } from '../streaming/ChatCompletionClient';
import type { ChatService } from '../streaming/ChatService';
import { isExternalWebUrl } from '../windows/security';
import { AppError } from './AppError';
import type { CallContext, Handlers } from './dispatch';

export interface HandlerServices {
  platform: Platform;
  settings: SettingsService;
  providers: ProviderRegistry;
  /** The write-only face: status, set, clear. */
  secrets: SecretsApi;
  /** Main-only: reads a key to verify it. */
  keys: SecretsReader;
  /** Throws a storage error when start-up could not open the database. */
  history: () => HistoryRepository;
  chat: ChatService;
  client: () => ChatCompletionClient;
  startup: Pick<AppInfo, 'recoveredDatabasePath' | 'storageProblem'>;
  quickAsk: {
    hide(): void;
    openInMain(conversationId: string): void;
    /** Registers the system-wide shortcut; false when the OS refused it (taken or invalid). */
    applyShortcut(accelerator: string): boolean;
  };
}

const exportFilters: Record<ExportFormat, FileDialogFilter> = {
  markdown: { name: 'Markdown', extensions: ['md'] },
  json: { name: 'Nagare JSON', extensions: ['json'] },
};

function exportName(format: ExportFormat, title: string | null): string {
  // Characters no file system accepts in a name, and control characters, become spaces.
  const safe = [...(title ?? 'Nagare conversations')].map((char) =>
    char < ' ' || '\\/:*?"<>|'.includes(char) ? ' ' : char,
  );
  const base = safe.join('').replace(/\s+/g, ' ').trim().slice(0, 80) || 'conversation';
  return `${base}.${format === 'markdown' ? 'md' : 'json'}`;
}

export function createHandlers(services: HandlerServices): Handlers {
  const { platform, settings, providers, secrets, keys, chat, history } = services;

  return {
    'app.info': () => ({
      version: platform.appVersion,
      platform: platform.name,
      systemLocale: platform.systemLocale(),
      online: platform.isOnline(),
      ...services.startup,
    }),
    'app.openExternal': async ({ url }) => {
      if (!isExternalWebUrl(url)) throw new AppError('invalid_request', 'Only web links can be opened.');
      await platform.openExternal(url);
    },

    'chat.start': (input, context: CallContext) => chat.start(input, context),
    'chat.cancel': ({ streamId }) => chat.cancel(streamId),
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
    'providers.save': (input) => providers.save(input),
    'providers.remove': async ({ providerId }) => {
      providers.remove(providerId);
      await secrets.clear(providerId).catch(() => undefined);
      if (settings.get().defaultProviderId === providerId) settings.update({ defaultProviderId: null });
    },
    'providers.models': async ({ providerId }) => {
      const provider = providers.get(providerId);
      const models = await services.client().listModels(provider, await keys.getKeyForRequest(providerId));
      if (models.length > 0) providers.rememberModels(providerId, models);
      return models;
    },

    'secrets.status': () => secrets.status(),
    'secrets.set': ({ providerId, key, sessionOnly }) => {
      providers.get(providerId);
      return secrets.set(providerId, key, sessionOnly);
    },
    'secrets.clear': ({ providerId }) => secrets.clear(providerId),
    'secrets.verify': async ({ providerId }) => {
      const provider = providers.get(providerId);
      const models = await services.client().listModels(provider, await keys.getKeyForRequest(providerId));
      if (models.length > 0) providers.rememberModels(providerId, models);
      return { models: models.length };
    },

    'history.list': ({ cursor, limit }) => history().listConversations({ cursor, limit }),
    'history.open': ({ conversationId, before, limit }) =>
      history().openConversation({ conversationId, before, limit }),
    'history.rename': ({ conversationId, title }) => history().rename(conversationId, title),
    'history.pin': ({ conversationId, pinned }) => history().setPinned(conversationId, pinned),
    'history.configure': (input) => history().configure(input),
    'history.delete': ({ conversationId }) => history().deleteConversation(conversationId),
    'history.undoDelete': ({ undoToken }) => history().undoDelete(undoToken),
    'history.deleteMessage': ({ messageId }) => history().deleteMessage(messageId),
    'history.selectVersion': ({ messageId }) => history().openAtMessage(messageId),
    'history.search': ({ query, limit }) => history().search(query, limit),
    'history.export': async ({ conversationId, format }) => {
      const text = history().exportText(conversationId, format);
      const title = conversationId ? history().getConversation(conversationId).title : null;
      const path = await platform.chooseSavePath({
        title: 'Export',
        defaultName: exportName(format, title),
        filters: [exportFilters[format]],
      });
      if (!path) return { savedTo: null };
      try {
        writeFileAtomically(path, text);
      } catch (error) {
        throw new AppError('storage', `Could not write the export: ${(error as Error).message}`);
      }
      return { savedTo: path };
    },
    'history.import': async () => {
      const path = await platform.chooseOpenPath({
        title: 'Import conversations',
        filters: [{ name: 'Nagare JSON or ChatGPT export', extensions: ['json'] }],
      });
      if (!path) return null;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new AppError('import_invalid', `Could not read that file: ${(error as Error).message}`);
      }
      return history().importText(text);
    },

    'drafts.get': ({ key }) => history().getDraft(key),
    'drafts.set': ({ key, text }) => history().setDraft(key, text),

    'settings.get': () => settings.get(),
    'settings.update': (patch) => {
      if (patch.defaultProviderId) providers.get(patch.defaultProviderId);
      const shortcut = patch.quickAskShortcut;
      if (
        shortcut !== undefined &&
        shortcut !== settings.get().quickAskShortcut &&
        !services.quickAsk.applyShortcut(shortcut)
      ) {
        services.quickAsk.applyShortcut(settings.get().quickAskShortcut);
        throw new AppError(
          'invalid_request',
          `“${shortcut}” cannot be used: another app has it, or it is not a valid shortcut.`,
        );
      }
      return settings.update(patch);
    },

    'inspector.log': ({ messageId }) => chat.liveLog(messageId) ?? history().getStreamLog(messageId),
    'inspector.saveStream': async ({ messageId }) => {
      const log = chat.liveLog(messageId) ?? history().getStreamLog(messageId);
      if (!log) throw new AppError('missing', 'This reply has no saved stream.');
      const path = await platform.chooseSavePath({
        title: 'Save raw stream',
        defaultName: `stream-${messageId.slice(0, 8)}.sse`,
        filters: [{ name: 'Server-sent events', extensions: ['sse'] }],
      });
      if (!path) return { savedTo: null };
      try {
        writeFileAtomically(path, serializeSseFile(log));
      } catch (error) {
        throw new AppError('storage', `Could not save the stream: ${(error as Error).message}`);
      }
      return { savedTo: path };
    },
    'inspector.openStream': async () => {
      const path = await platform.chooseOpenPath({
        title: 'Open a raw stream',
        filters: [{ name: 'Server-sent events', extensions: ['sse', 'txt', 'log'] }],
      });
      if (!path) return null;
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new AppError('invalid_request', `Could not read that file: ${(error as Error).message}`);
      }
      return parseSseFile(bytes, path.split(/[\\/]/).pop() ?? 'stream.sse');
    },
    'inspector.storage': () => history().streamLogStorage(),
    'inspector.prune': () => {
      history().pruneStreamLogs();
    },
  };
}
