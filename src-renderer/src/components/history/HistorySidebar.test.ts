// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { createI18n } from 'vue-i18n';
import { useCommands } from '../../composables/useCommands';
import en from '../../i18n/en';
import { useChatStore } from '../../stores/chat';
import { useUiStore } from '../../stores/ui';
import { installFakeNagare } from '../../testing/fakeNagare';
import HistorySidebar from './HistorySidebar.vue';
import { holdNextNewChat } from '../../testing/holdNewChat';

/** The sidebar beside something that runs commands by key, as App has them. */
function mountSidebar() {
  installFakeNagare();
  let run: ReturnType<typeof useCommands>['run'] = () => false;
  const wrapper = mount(
    defineComponent({
      setup() {
        run = useCommands().run;
        return () => h(HistorySidebar);
      },
    }),
    { global: { plugins: [createPinia(), createI18n({ legacy: false, locale: 'en', messages: { en } })] } },
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
