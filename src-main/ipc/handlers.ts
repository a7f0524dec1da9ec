/** The main-side handler map: one entry per contract channel, each a thin call into a service. */
import type { Platform } from '../platform/electronPlatform';
import type { SettingsService } from '../settings/SettingsService';
import { isExternalWebUrl } from '../windows/security';
import { AppError } from './AppError';
import type { Handlers } from './dispatch';

export interface HandlerServices {
  platform: Platform;
  settings: SettingsService;
}

const notReady = () => {
  throw new AppError('internal', 'Not available yet.');
};

export function createHandlers({ platform, settings }: HandlerServices): Handlers {
  return {
    'app.info': () => ({
      version: platform.appVersion,
      platform: platform.name,
      systemLocale: platform.systemLocale(),
      online: platform.isOnline(),
      recoveredDatabasePath: null,
      storageProblem: null,
    }),
    'app.openExternal': async ({ url }) => {
      if (!isExternalWebUrl(url)) throw new AppError('invalid_request', 'Only web links can be opened.');
      await platform.openExternal(url);
    },
    'chat.start': notReady,
    'chat.cancel': notReady,
    'chat.quickAsk': notReady,
    'providers.list': notReady,
    'providers.presets': notReady,
    'providers.save': notReady,
    'providers.remove': notReady,
    'providers.models': notReady,
    'secrets.status': notReady,
    'secrets.set': notReady,
    'secrets.clear': notReady,
    'secrets.verify': notReady,
    'history.list': notReady,
    'history.open': notReady,
    'history.rename': notReady,
    'history.pin': notReady,
    'history.configure': notReady,
    'history.delete': notReady,
    'history.undoDelete': notReady,
    'history.deleteMessage': notReady,
    'history.selectVersion': notReady,
    'history.search': notReady,
    'history.export': notReady,
    'history.import': notReady,
    'drafts.get': notReady,
    'drafts.set': notReady,
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    'inspector.log': notReady,
    'inspector.saveStream': notReady,
    'inspector.openStream': notReady,
    'inspector.storage': notReady,
    'inspector.prune': notReady,
  };
}
