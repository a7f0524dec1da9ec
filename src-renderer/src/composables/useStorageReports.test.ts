// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import { createI18n } from 'vue-i18n';
import type { ConversationSummary, OpenedConversation } from '../../../src-preload/contract';
import en from '../i18n/en';
import { useChatStore } from '../stores/chat';
import { useConversationsStore } from '../stores/conversations';
import { useUiStore } from '../stores/ui';
import { installFakeNagare, ok } from '../testing/fakeNagare';
import { useStorageReports } from './useStorageReports';

const summary = (id: string): ConversationSummary => ({
  id,
  title: `Conversation ${id}`,
  pinned: false,
  createdAt: 1,
  updatedAt: 2,
  providerId: null,
  model: null,
});

describe('useStorageReports', () => {
  it('when main replaces a damaged history, says where the old one is and drops everything that came from it', async () => {
    let items = [summary('old-1'), summary('old-2')];
    const fake = installFakeNagare({
      history: {
        list: () => ok({ items, nextCursor: null }),
        open: ({ conversationId }) =>
          ok<OpenedConversation>({
            conversation: { ...summary(conversationId), systemPrompt: '', parameters: {}, toolServerIds: [] },
            messages: [],
            olderCursor: null,
          }),
      },
    });
    const wrapper = mount(
      defineComponent({
        setup() {
          useStorageReports();
          return () => null;
        },
      }),
      { global: { plugins: [createPinia(), createI18n({ legacy: false, locale: 'en', messages: { en } })] } },
    );
    const chat = useChatStore();
    const conversations = useConversationsStore();
    const ui = useUiStore();
    await conversations.refresh();
    await chat.open('old-1');
    ui.openInspector('m-old');
    expect(conversations.items).toHaveLength(2);
    expect(chat.conversation?.id).toBe('old-1');

    items = [];
    fake.emit('history.replaced', {
      recoveredDatabasePath: '/data/nagare.db.corrupt-20250101T000000000Z',
      damagedWalPath: null,
      storageProblem: null,
    });
    await flushPromises();

    expect(ui.toasts.map((toast) => toast.message)).toEqual([
      'The history database was damaged. It was kept at /data/nagare.db.corrupt-20250101T000000000Z and a new one was started.',
    ]);
    expect(ui.overlay).toBeNull();
    expect(chat.conversation).toBeNull();
    expect(conversations.items).toEqual([]);
    wrapper.unmount();
    expect(fake.listenerCount('history.replaced')).toBe(0);
  });
});
