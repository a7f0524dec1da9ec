/**
 * Every action the user can take by name: the keymap, the command palette and
 * the native menu all run commands from this one registry.
 */
import { storeToRefs } from 'pinia';
import { useI18n } from 'vue-i18n';
import type { CommandId } from '../../../src-preload/shared/keymap';
import { bridge, unwrap } from '../ipc/nagare';
import { codeBlocksOf } from '../markdown/renderer';
import { useChatStore } from '../stores/chat';
import { useConversationsStore } from '../stores/conversations';
import { useInspectorStore } from '../stores/inspector';
import { useSettingsStore } from '../stores/settings';
import { useUiStore } from '../stores/ui';
import { useErrorToast } from './useErrorToast';

export interface Command {
  id: string;
  /** i18n key of the name shown in the palette. */
  label: string;
  /** What the name's placeholders stand for. */
  labelValues?: { n: number };
  run: () => unknown;
  /** False when the command cannot run now (it stays listed, greyed out). */
  enabled?: () => boolean;
}

/** Where a command came from: the window's keys, the native menu, or the palette. */
export type CommandSource = 'keys' | 'menu' | 'palette';

/** A command from the menu and from the page this close together came from one key press. */
export const SAME_PRESS_MS = 300;
let lastRun: { id: string; source: CommandSource; at: number } | null = null;

/** Commands started so far, from any part of the window: one that ends later knows whether another came meanwhile. */
let commandsStarted = 0;

export function useCommands() {
  const { t } = useI18n();
  const chat = useChatStore();
  const conversations = useConversationsStore();
  const ui = useUiStore();
  const settings = useSettingsStore();
  const inspector = useInspectorStore();
  const { conversation, streaming } = storeToRefs(chat);
  const showError = useErrorToast();

  const hasConversation = () => conversation.value !== null;
  const lastReply = () => chat.lastOf('assistant');

  async function copy(text: string, doneMessage: string): Promise<void> {
    await navigator.clipboard.writeText(text);
    ui.toast(doneMessage);
  }

  async function openConversation(id: string | undefined): Promise<void> {
    if (!id) return;
    await ui.focusComposerAfter(() => chat.open(id));
  }

  /** A new chat, then the composer, unless the user ran another command meanwhile (Mod+F). */
  async function newChat(): Promise<void> {
    const started = commandsStarted;
    await chat.newChat();
    if (commandsStarted === started) ui.focusComposer();
  }

  /** Exports one conversation (the open one unless `conversationId` names another) through main's save dialog. */
  async function exportConversation(
    format: 'markdown' | 'json',
    conversationId: string | null = conversation.value?.id ?? null,
  ): Promise<void> {
    try {
      const { savedTo } = await unwrap(bridge().history.export({ conversationId, format }));
      if (savedTo) ui.toast(t('toast.exported', { path: savedTo }));
    } catch (error) {
      showError(error);
    }
  }

  const pinnedCommands: Command[] = Array.from({ length: 9 }, (_, index) => ({
    id: `conversation.pinned${index + 1}`,
    label: 'shortcuts.conversation.pinned',
    labelValues: { n: index + 1 },
    run: () => openConversation(conversations.pinned[index]?.id),
    enabled: () => conversations.pinned.length > index,
  }));

  const commands: Command[] = [
    {
      id: 'conversation.new',
      label: 'shortcuts.conversation.new',
      run: newChat,
    },
    { id: 'chat.stop', label: 'shortcuts.chat.stop', run: () => chat.stop(), enabled: () => streaming.value },
    { id: 'palette.open', label: 'shortcuts.palette.open', run: () => ui.openPalette('commands') },
    {
      id: 'history.search',
      label: 'shortcuts.history.search',
      run: () => {
        ui.overlay = null;
        ui.sidebarSearchFocusRequests++;
      },
    },
    {
      id: 'reply.copyLast',
      label: 'shortcuts.reply.copyLast',
      run: () => {
        const reply = lastReply();
        if (reply) return copy(chat.textOf(reply), t('toast.copiedReply'));
      },
      enabled: () => lastReply() !== null,
    },
    {
      id: 'code.copyLast',
      label: 'shortcuts.code.copyLast',
      run: () => {
        for (let index = chat.messages.length - 1; index >= 0; index--) {
          const message = chat.messages[index]!;
          if (message.role !== 'assistant') continue;
          const block = codeBlocksOf(chat.textOf(message)).at(-1);
          if (block !== undefined) return copy(block, t('toast.copiedCode'));
        }
        ui.toast(t('toast.noCode'));
      },
      enabled: () => lastReply() !== null,
    },
    {
      id: 'message.editLast',
      label: 'shortcuts.message.editLast',
      run: () => (ui.editingMessageId = chat.lastOf('user')?.id ?? null),
      enabled: () => chat.lastOf('user') !== null && !streaming.value,
    },
    {
      id: 'reply.regenerate',
      label: 'shortcuts.reply.regenerate',
      run: () => chat.regenerate(),
      enabled: () => lastReply() !== null && !streaming.value,
    },
    {
      id: 'conversation.next',
      label: 'shortcuts.conversation.next',
      run: () => openConversation(conversations.neighbour(1)?.id),
    },
    {
      id: 'conversation.previous',
      label: 'shortcuts.conversation.previous',
      run: () => openConversation(conversations.neighbour(-1)?.id),
    },
    ...pinnedCommands,
    { id: 'settings.open', label: 'shortcuts.settings.open', run: () => ui.openSettings() },
    { id: 'shortcuts.open', label: 'shortcuts.shortcuts.open', run: () => (ui.overlay = 'shortcuts') },
    { id: 'composer.focus', label: 'shortcuts.composer.focus', run: () => ui.focusComposer() },
    {
      id: 'conversation.rename',
      label: 'shortcuts.conversation.rename',
      run: () => (ui.renaming = true),
      enabled: hasConversation,
    },
    {
      id: 'conversation.delete',
      label: 'shortcuts.conversation.delete',
      run: () => deleteActive(),
      enabled: hasConversation,
    },
    {
      id: 'inspector.open',
      label: 'shortcuts.inspector.open',
      run: () => {
        const reply = lastReply();
        if (reply) ui.openInspector(reply.id);
        else ui.openInspector('');
      },
    },
    {
      id: 'conversation.pin',
      label: 'commands.pin',
      run: () => chat.setPinned(!chat.pinned),
      enabled: hasConversation,
    },
    {
      id: 'conversation.exportMarkdown',
      label: 'commands.exportMarkdown',
      run: () => exportConversation('markdown'),
      enabled: hasConversation,
    },
    {
      id: 'conversation.exportJson',
      label: 'commands.exportJson',
      run: () => exportConversation('json'),
      enabled: hasConversation,
    },
    { id: 'history.import', label: 'commands.import', run: () => ui.openSettings('data') },
    { id: 'settings.providers', label: 'commands.providers', run: () => ui.openSettings('providers') },
    { id: 'settings.quickAsk', label: 'commands.quickAskShortcut', run: () => ui.openSettings('shortcuts') },
    {
      id: 'appearance.toggleTheme',
      label: 'commands.toggleTheme',
      run: () => settings.update({ theme: settings.theme === 'dark' ? 'light' : 'dark' }),
    },
    { id: 'inspector.openFile', label: 'commands.openStreamFile', run: () => openStreamFile() },
    {
      id: 'sidebar.toggle',
      label: 'shortcuts.sidebar.toggle',
      run: () => ui.toggleSidebar(),
    },
    {
      id: 'conversation.settings',
      label: 'shortcuts.conversation.settings',
      // A new chat's settings are chosen before its first message.
      run: () => (ui.conversationSettingsOpen = !ui.conversationSettingsOpen),
    },
    {
      id: 'reply.previousVersion',
      label: 'shortcuts.reply.previousVersion',
      run: () => stepLastReply(-1),
      enabled: () => !streaming.value && (lastReply()?.versionIndex ?? 1) > 1,
    },
    {
      id: 'reply.nextVersion',
      label: 'shortcuts.reply.nextVersion',
      run: () => stepLastReply(1),
      enabled: () => {
        const reply = lastReply();
        return !streaming.value && !!reply && reply.versionIndex < reply.versionCount;
      },
    },
  ];

  function stepLastReply(step: -1 | 1): Promise<void> | undefined {
    const reply = lastReply();
    return reply ? chat.stepVersion(reply, step) : undefined;
  }

  /** Asks for a `.sse` file first, then shows it; a cancelled dialog opens nothing. */
  async function openStreamFile(): Promise<void> {
    const opened = await inspector.openFile();
    if (opened || inspector.error) ui.openInspector('');
  }

  /** Pins or unpins any conversation; the open one's header follows. */
  async function pinConversation(conversationId: string, value: boolean): Promise<void> {
    if (conversation.value?.id === conversationId) await chat.setPinned(value);
    else await conversations.setPinned(conversationId, value);
  }

  async function deleteActive(): Promise<void> {
    if (conversation.value) await deleteConversation(conversation.value.id);
  }

  /**
   * Deletes a conversation with an Undo notice. Deleting the open one opens its neighbour; deleting
   * another (from its row in the sidebar) leaves the open one as it is.
   */
  async function deleteConversation(conversationId: string): Promise<void> {
    const isOpen = conversation.value?.id === conversationId;
    const title = conversations.items.find((item) => item.id === conversationId)?.title ?? conversation.value?.title;
    const neighbour = isOpen ? conversations.neighbour(1) : null;
    await conversations.remove(conversationId);
    const pending = conversations.pendingDeletes.find((item) => item.conversationId === conversationId);
    if (pending) {
      ui.toast(t('toast.deleted', { title: title || t('sidebar.untitled') }), {
        timeoutMs: pending.expiresAt - Date.now(),
        action: {
          label: t('toast.undo'),
          run: async () => {
            const restored = await conversations.undoDelete(pending.undoToken);
            if (restored) await openConversation(restored);
          },
        },
      });
    }
    if (!isOpen) return;
    if (neighbour && neighbour.id !== conversationId) await openConversation(neighbour.id);
    else await chat.newChat();
  }

  const byId = new Map(commands.map((command) => [command.id, command]));

  /** Runs a command if it exists and is enabled; answers whether it ran. */
  function run(id: CommandId | string, source: CommandSource = 'keys'): boolean {
    const command = byId.get(id);
    if (!command || (command.enabled && !command.enabled())) return false;
    // On macOS one key press can reach both the native menu and the page: run it once.
    const now = Date.now();
    if (lastRun && lastRun.id === id && lastRun.source !== source && now - lastRun.at < SAME_PRESS_MS) return true;
    lastRun = { id, source, at: now };
    commandsStarted++;
    void Promise.resolve(command.run()).catch(showError);
    return true;
  }

  return {
    commands,
    run,
    openConversation,
    newChat,
    deleteActive,
    deleteConversation,
    pinConversation,
    exportConversation,
  };
}
