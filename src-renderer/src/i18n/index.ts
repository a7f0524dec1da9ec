/** vue-i18n set-up: English and Japanese, following the OS language unless the user picks one. */
import { createI18n } from 'vue-i18n';
import en from './en';
import ja from './ja';

export type Locale = 'en' | 'ja';
export type MessageSchema = typeof en;

export function localeFor(preference: 'system' | Locale, systemLocale: string): Locale {
  if (preference !== 'system') return preference;
  return systemLocale.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function createI18nPlugin(initial: Locale = localeFor('system', navigator.language)) {
  return createI18n<[MessageSchema], Locale>({
    legacy: false,
    locale: initial,
    fallbackLocale: 'en',
    messages: { en, ja },
    datetimeFormats: {
      en: {
        short: { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
        month: { year: 'numeric', month: 'long' },
      },
      ja: {
        short: { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
        month: { year: 'numeric', month: 'long' },
      },
    },
    numberFormats: { en: { integer: { maximumFractionDigits: 0 } }, ja: { integer: { maximumFractionDigits: 0 } } },
  });
}
