// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createI18n } from 'vue-i18n';
import { KEYMAP } from '../../../src-preload/shared/keymap';
import en from '../i18n/en';
import { installFakeNagare } from '../testing/fakeNagare';
import { paletteSearchText } from '../components/common/paletteSynonyms';
import { SAME_PRESS_MS, useCommands, type Command } from './useCommands';
import { holdNextNewChat } from '../testing/holdNewChat';

/** Handled where the keys are typed, not by a command: the composer, the list and a message's actions. */
const HANDLED_IN_PLACE = new Set([
  'chat.send',
  'chat.newline',
  'message.editLast',
  'message.copy',
  'message.edit',
  'message.delete',
  'conversation.menu',
]);

/** Runs useCommands in a component with a quiet fake bridge and fresh stores. */
function mountCommands(): ReturnType<typeof useCommands> {
  installFakeNagare();
  let api: ReturnType<typeof useCommands> | null = null;
  mount(
    defineComponent({
      setup() {
        api = useCommands();
        return () => null;
      },
    }),
    { global: { plugins: [createPinia(), createI18n({ legacy: false, locale: 'en', messages: { en } })] } },
  );
  return api!;
}

function commands(): Command[] {
  return mountCommands().commands;
}

describe('commands', () => {
  it('are found in the palette by synonyms and in either language, whatever the UI language', () => {
    const all = commands();
    for (const query of [
      'テーマ',
      'theme',
      'dark',
      'model',
      'system prompt',
      'version',
      'quick',
      'モデル',
      'インポート',
    ]) {
      const words = query.toLowerCase().split(/\s+/);
      const found = all.filter((command) => {
        const text = paletteSearchText(command.id, command.label).toLowerCase();
        return words.every((word) => text.includes(word));
      });
      expect({ query, found: found.length > 0 }).toEqual({ query, found: true });
    }
    expect(paletteSearchText('nothing.like.this', 'commands.none').trim()).toBe('');
  });

  it('has a handler for every shortcut of the keymap', () => {
    const ids = new Set(commands().map((command) => command.id));
    for (const entry of KEYMAP) {
      if (entry.system || HANDLED_IN_PLACE.has(entry.id)) continue;
      expect(ids.has(entry.id), entry.id).toBe(true);
    }
  });

  it('names every command in English', () => {
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en } });
    for (const command of commands()) {
      expect(i18n.global.te(command.label), command.label).toBe(true);
    }
  });
});

describe('running a command', () => {
  afterEach(() => vi.useRealTimers());

  it('runs a key press that reaches both the menu and the page once', async () => {
    vi.useFakeTimers();
    const api = mountCommands();
    const { useUiStore } = await import('../stores/ui');
    const ui = useUiStore();
    let opened = 0;
    ui.$onAction(({ name }) => {
      if (name === 'openPalette') opened++;
    });
    api.run('palette.open', 'keys');
    api.run('palette.open', 'menu');
    expect(opened).toBe(1);
    vi.advanceTimersByTime(SAME_PRESS_MS - 1);
    api.run('palette.open', 'menu');
    expect(opened).toBe(1);
    vi.advanceTimersByTime(1);
    api.run('palette.open', 'menu');
    expect(opened).toBe(2);
  });

  it('leaves the focus where the user put it while a new chat was being set up', async () => {
    const api = mountCommands();
    const { useUiStore } = await import('../stores/ui');
    const { useChatStore } = await import('../stores/chat');
    const ui = useUiStore();
    const chat = useChatStore();
    const newChatReady = () => holdNextNewChat(chat);

    // Nothing else happened meanwhile: the composer gets the focus.
    let finish = newChatReady();
    let before = ui.composerFocusRequests;
    api.run('conversation.new', 'keys');
    finish();
    await vi.waitFor(() => expect(ui.composerFocusRequests).toBe(before + 1));

    // Mod+F pressed before the new chat was ready: the search box keeps the focus.
    finish = newChatReady();
    before = ui.composerFocusRequests;
    api.run('conversation.new', 'keys');
    api.run('history.search', 'keys');
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ui.composerFocusRequests).toBe(before);
    expect(ui.sidebarSearchFocusRequests).toBe(1);
  });
});
