// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import {
  APP_ERROR_CODES,
  ERROR_REASONS,
  STREAM_ERROR_CODES,
  type MessageView,
  type NagareErrorShape,
} from '../../../src-preload/contract';
import ErrorNotice from '../components/chat/ErrorNotice.vue';
import { createI18nPlugin } from '.';
import { describeError, errorSentence, keychainProblemText, storageProblemText } from './describeError';

/** Names that stay in Latin letters in Japanese text too. */
const PROPER_NAMES =
  /GNOME Keyring|Secret Service|KWallet|D-Bus|ChatGPT|OpenAI|Nagare|conversations\.json|https?:\/\/|\/v1/g;
/** Two Latin words in a row: an English phrase that was not translated. */
const ENGLISH_PHRASE = /[A-Za-z]{2,}[\s,.'’-]+[A-Za-z]{2,}/;

const SERVER_WORDS = 'You exceeded your current quota, please check your plan and billing details.';
const FACTS = { host: 'api.example.com', provider: 'My Proxy', file: 'trace log.sse', limitSeconds: 60 };

/** Every failure the UI can show: each code alone, each with its facts, and each reason. */
function everyFailure(): NagareErrorShape[] {
  const codes = [...STREAM_ERROR_CODES, ...APP_ERROR_CODES];
  return [
    ...codes.map((code): NagareErrorShape => ({ code, message: 'An English sentence from main.' })),
    ...codes.map((code): NagareErrorShape => ({
      code,
      message: 'An English sentence from main.',
      status: 429,
      retryAfterSeconds: 5,
      serverMessage: SERVER_WORDS,
      ...FACTS,
    })),
    ...ERROR_REASONS.map((reason): NagareErrorShape => ({
      code: 'network',
      message: 'Also English.',
      reason,
      ...FACTS,
    })),
  ];
}

/** The text a reader sees, without the server's quoted words and the names the facts carry. */
function withoutQuotedAndNames(text: string): string {
  let rest = text.split(SERVER_WORDS).join('');
  for (const value of [FACTS.host, FACTS.provider, FACTS.file]) rest = rest.split(value).join('');
  return rest.replace(PROPER_NAMES, '');
}

function reply(error: NagareErrorShape): MessageView {
  return {
    id: 'm1',
    conversationId: 'c1',
    parentId: 'u1',
    role: 'assistant',
    content: '',
    reasoning: '',
    status: 'error',
    error,
    model: null,
    usage: null,
    timeToFirstTokenMs: null,
    durationMs: null,
    createdAt: 0,
    versionIndex: 1,
    versionCount: 1,
    versionIds: ['m1'],
    hasStreamLog: false,
    deleted: false,
    attachments: [],
    toolSteps: [],
  };
}

describe('errors said in the UI language', () => {
  it('shows every error code and reason in Japanese with no English sentence besides the quoted server words', () => {
    const i18n = createI18nPlugin('ja');
    for (const error of everyFailure()) {
      const wrapper = mount(ErrorNotice, { props: { message: reply(error) }, global: { plugins: [i18n] } });
      const shown = wrapper.text();
      const rest = withoutQuotedAndNames(shown);
      expect({ error, english: ENGLISH_PHRASE.exec(rest)?.[0] ?? null }).toEqual({ error, english: null });
      // The code is for programs, never for the reader.
      expect(shown).not.toContain(error.code.includes('_') ? error.code : `（${error.code}）`);
      expect(shown).not.toContain('English');
      if (error.serverMessage) expect(shown).toContain(`「${SERVER_WORDS}」`);
      wrapper.unmount();
    }
  });

  it('says the same failures as one line for toasts and forms, in both languages, without the code', () => {
    for (const locale of ['en', 'ja'] as const) {
      const { t } = createI18nPlugin(locale).global;
      for (const error of everyFailure()) {
        const line = errorSentence(error, t);
        expect(line).not.toMatch(/\{\w+\}|errors\.|undefined|\.\.|。\./);
        expect(line).not.toContain(`(${error.code})`);
        if (locale === 'ja') expect(ENGLISH_PHRASE.exec(withoutQuotedAndNames(line))?.[0] ?? null).toBeNull();
      }
    }
  });

  it('says the keychain problem in Settings and the start-up storage problem in Japanese, from the code and reason main sends', () => {
    const { t } = createI18nPlugin('ja').global;
    const said: string[] = [];
    const keychainReasons = ERROR_REASONS.filter((reason) => reason.startsWith('keychain_'));
    expect(keychainReasons.length).toBeGreaterThanOrEqual(5);
    for (const platform of ['darwin', 'win32', 'linux']) {
      for (const reason of [...keychainReasons, undefined]) {
        said.push(
          keychainProblemText({ code: 'keychain_unavailable', message: 'English for the log.', reason }, platform, t),
        );
      }
    }
    for (const reason of ['disk_full', 'read_only', 'locked', 'unavailable'] as const) {
      said.push(storageProblemText({ code: 'storage', message: 'English for the log.', reason }, t));
    }
    for (const line of said) {
      expect(line).not.toMatch(/\{\w+\}|errors\.|toast\.|undefined|English/);
      expect({ line, english: ENGLISH_PHRASE.exec(withoutQuotedAndNames(line))?.[0] ?? null }).toEqual({
        line,
        english: null,
      });
    }
    // Each platform has its own fix, and the reason comes before it.
    const locked = (platform: string) =>
      keychainProblemText({ code: 'keychain_unavailable', message: '', reason: 'keychain_locked' }, platform, t);
    expect(new Set(['darwin', 'win32', 'linux'].map(locked)).size).toBe(3);
    expect(locked('darwin')).toMatch(/^キーチェーンがロックされています。.*キーチェーンアクセス/);
    expect(
      storageProblemText({ code: 'storage', message: '', reason: 'disk_full' }, createI18nPlugin('en').global.t),
    ).toMatch(/^History cannot be saved\. .*disk/i);
  });

  it('puts the facts into the sentence: the host, the limit with a plural, the provider and the status', () => {
    const { t } = createI18nPlugin('en').global;
    expect(
      describeError(
        { code: 'timeout', message: '', reason: 'idle_timeout', host: 'api.example.com', limitSeconds: 1 },
        t,
      ).body,
    ).toBe('The reply stalled: nothing arrived from api.example.com for 1 second.');
    expect(describeError({ code: 'network', message: '' }, t).body).toBe('Nagare could not reach the server.');
    expect(describeError({ code: 'rate_limited', message: '', status: 429 }, t).title).toBe('Rate limited (HTTP 429)');
    const ja = createI18nPlugin('ja').global.t;
    expect(
      describeError({ code: 'invalid_request', message: '', reason: 'no_model', provider: 'OpenAI' }, ja).body,
    ).toBe('先に OpenAI のモデルを選んでください。');
  });

  it('says a count with the right plural form', () => {
    const { t } = createI18nPlugin('en').global;
    expect(t('status.tokens', { n: 1 }, 1)).toBe('1 token');
    expect(t('status.tokens', { n: 30 }, 30)).toBe('30 tokens');
  });
});
