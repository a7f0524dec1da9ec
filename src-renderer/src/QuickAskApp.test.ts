// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { ChatStarted, Result } from '../../src-preload/contract';
import en from './i18n/en';
import { installHappyDomShims } from './markdown/testSupport';
import QuickAskApp from './QuickAskApp.vue';
import { installFakeNagare } from './testing/fakeNagare';

beforeAll(installHappyDomShims);
afterEach(() => {
  document.body.innerHTML = '';
});

const STARTED: ChatStarted = { streamId: 'q1', conversationId: 'c1', userMessageId: 'u1', assistantMessageId: 'm1' };

/** Mounts the quick-ask window; `quickAsk.send` answers only when the test calls `answer`. */
async function mountQuickAsk() {
  let answer: () => void = () => undefined;
  const fake = installFakeNagare({
    quickAsk: {
      send: () => new Promise<Result<ChatStarted>>((resolve) => (answer = () => resolve({ ok: true, value: STARTED }))),
    },
  });
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { en } });
  const wrapper = mount(QuickAskApp, { global: { plugins: [createPinia(), i18n] }, attachTo: document.body });
  await flushPromises();
  const ask = async (text: string) => {
    await wrapper.get('[data-testid="quick-ask-input"]').setValue(text);
    await wrapper.get('[data-testid="quick-ask-input"]').trigger('keydown', { key: 'Enter' });
  };
  return { fake, wrapper, ask, answer: () => answer() };
}

describe('QuickAskApp', () => {
  it('shows a reply whose events all arrived before quickAsk.send answered', async () => {
    const { fake, wrapper, ask, answer } = await mountQuickAsk();
    await ask('東京の天気は?');
    // A second Enter while the first is on its way sends nothing more.
    await wrapper.get('[data-testid="quick-ask-input"]').trigger('keydown', { key: 'Enter' });
    fake.emit('chat.event', { streamId: 'q1', seq: 0, kind: 'started', conversationId: 'c1', messageId: 'm1' });
    fake.emit('chat.event', { streamId: 'q1', seq: 1, kind: 'delta', text: '晴れです。' });
    fake.emit('chat.event', { streamId: 'q1', seq: 2, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    answer();
    await flushPromises();
    expect(wrapper.get('[data-testid="quick-ask-reply"]').text()).toContain('晴れです。');
    expect(fake.api.quickAsk.send.mock.calls).toEqual([[{ content: '東京の天気は?' }]]);
  });

  it('streams its own reply and ignores the main window’s', async () => {
    const { fake, wrapper, ask, answer } = await mountQuickAsk();
    await ask('hello');
    answer();
    await flushPromises();
    fake.emit('chat.event', { streamId: 'other', seq: 0, kind: 'started', conversationId: 'c9', messageId: 'm9' });
    fake.emit('chat.event', { streamId: 'q1', seq: 0, kind: 'started', conversationId: 'c1', messageId: 'm1' });
    fake.emit('chat.event', { streamId: 'other', seq: 1, kind: 'delta', text: 'not mine' });
    fake.emit('chat.event', { streamId: 'q1', seq: 1, kind: 'delta', text: 'Hi there' });
    await flushPromises();
    const reply = wrapper.get('[data-testid="quick-ask-reply"]').text();
    expect(reply).toContain('Hi there');
    expect(reply).not.toContain('not mine');
  });

  it.each([
    ['server', true],
    ['cancelled', false],
  ] as const)('on a %s error shows the reason: %s', async (code, shown) => {
    const { fake, wrapper, ask, answer } = await mountQuickAsk();
    await ask('hello');
    answer();
    await flushPromises();
    fake.emit('chat.event', {
      streamId: 'q1',
      seq: 0,
      kind: 'error',
      error: { code, message: `ended: ${code}` },
      metrics: {},
    });
    await flushPromises();
    expect(wrapper.find('[role="alert"]').exists()).toBe(shown);
    // Said from the code in the UI language, not main's English sentence.
    if (shown) {
      expect(wrapper.get('[role="alert"]').text()).toBe(
        'The provider had a server error. This is usually temporary. Try again in a moment.',
      );
    }
  });
});
