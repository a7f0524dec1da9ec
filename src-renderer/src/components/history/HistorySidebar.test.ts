// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createI18n } from 'vue-i18n';
import { useCommands } from '../../composables/useCommands';
import type { SearchHit } from '../../../../src-preload/contract';
import en from '../../i18n/en';
import { useChatStore } from '../../stores/chat';
import { useUiStore } from '../../stores/ui';
import { installFakeNagare, type FakeOverrides } from '../../testing/fakeNagare';
import HistorySidebar from './HistorySidebar.vue';
import { holdNextNewChat } from '../../testing/holdNewChat';

/** The sidebar beside something that runs commands by key, as App has them. */
function mountSidebar(overrides: FakeOverrides = {}) {
  installFakeNagare(overrides);
  let run: ReturnType<typeof useCommands>['run'] = () => false;
  const wrapper = mount(
    defineComponent({
      setup() {
        run = useCommands().run;
        return () => h(HistorySidebar);
      },
    }),
    {
      attachTo: document.body,
      global: { plugins: [createPinia(), createI18n({ legacy: false, locale: 'en', messages: { en } })] },
    },
  );
  return { wrapper, run: (id: string) => run(id, 'keys') };
}

describe('the New chat button', () => {
  it('focuses the composer when the new chat is ready, unless the user ran another command meanwhile', async () => {
    const { wrapper, run } = mountSidebar();
    const ui = useUiStore();
    const chat = useChatStore();
    const newChatReady = () => holdNextNewChat(chat);
    const button = wrapper.get('[data-testid="new-chat"]');

    let finish = newChatReady();
    let before = ui.composerFocusRequests;
    await button.trigger('click');
    finish();
    await flushPromises();
    expect(ui.composerFocusRequests).toBe(before + 1);

    // Mod+F while the new chat was being set up: the search box keeps the focus.
    finish = newChatReady();
    before = ui.composerFocusRequests;
    await button.trigger('click');
    run('history.search');
    finish();
    await flushPromises();
    expect(ui.sidebarSearchFocusRequests).toBe(1);
    expect(ui.composerFocusRequests).toBe(before);
  });
});

describe('a search hit', () => {
  it('opens at its message and then focuses the composer, unless the user went back to the search box meanwhile', async () => {
    const hit: SearchHit = {
      conversationId: 'c1',
      conversationTitle: '七十の質問',
      messageId: 'm7',
      role: 'user',
      snippet: 'どう思いますか?',
      highlights: [[2, 6]],
      updatedAt: 1,
    };
    const { wrapper } = mountSidebar({ history: { search: async () => ({ ok: true, value: [hit] }) } });
    const ui = useUiStore();
    const chat = useChatStore();
    let finishOpening = (): void => {};
    vi.spyOn(chat, 'openAt').mockImplementation(() => new Promise<void>((resolve) => (finishOpening = resolve)));
    const searchBox = wrapper.get<HTMLInputElement>('[data-testid="history-search"]');
    await searchBox.setValue('思います');
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="search-hit"]')).toHaveLength(1));

    let before = ui.composerFocusRequests;
    const option = wrapper.get<HTMLElement>('[data-testid="search-hit"]');
    option.element.focus();
    await option.trigger('click');
    finishOpening();
    await flushPromises();
    expect(chat.openAt).toHaveBeenLastCalledWith('m7');
    expect(ui.revealMessageId).toBe('m7');
    expect(ui.composerFocusRequests).toBe(before + 1);

    // Back into the search box while the conversation loads: the next keys are a new query, not a message.
    before = ui.composerFocusRequests;
    option.element.focus();
    await option.trigger('click');
    searchBox.element.focus();
    finishOpening();
    await flushPromises();
    expect(ui.composerFocusRequests).toBe(before);
    expect(document.activeElement).toBe(searchBox.element);
    wrapper.unmount();
  });
});
