/**
 * The actions on one conversation, as menu items: pin or unpin, rename, export as Markdown or JSON,
 * delete with Undo. The sidebar row (its icons and its menu) and the header's "More" menu show the same
 * list, and each item runs the one implementation in `useCommands`.
 */
import { Braces, FileText, PenLine, Pin, PinOff, Trash2 } from 'lucide-vue-next';
import { useI18n } from 'vue-i18n';
import type { ConversationSummary } from '../../../src-preload/contract';
import { acceleratorFor, formatAccelerator, keymapPlatform, type CommandId } from '../../../src-preload/shared/keymap';
import type { MenuItem } from '../components/common/menuItem';
import { useSettingsStore } from '../stores/settings';
import { useUiStore } from '../stores/ui';
import { useCommands } from './useCommands';
import { useErrorToast } from './useErrorToast';

export function useConversationActions(
  options: {
    /** Which key to show beside an item; the header shows the global keys, a row its list keys. */
    keys?: Partial<Record<'pin' | 'rename' | 'export-markdown' | 'export-json' | 'delete', CommandId>>;
    /** Deletes with Undo; the sidebar adds where the focus goes next. */
    remove?: (conversationId: string) => Promise<void>;
  } = {},
) {
  const { t } = useI18n();
  const ui = useUiStore();
  const settings = useSettingsStore();
  const showError = useErrorToast();
  const { deleteConversation, pinConversation, exportConversation } = useCommands();
  const remove = options.remove ?? deleteConversation;

  function shortcutOf(id: keyof NonNullable<typeof options.keys>): string | undefined {
    const command = options.keys?.[id];
    if (!command) return undefined;
    const platform = keymapPlatform(settings.platform);
    return formatAccelerator(acceleratorFor(command, platform), platform);
  }

  /** An action that reports its failure as a notice instead of failing silently. */
  function guarded(action: () => Promise<unknown>): () => Promise<void> {
    return async () => {
      try {
        await action();
      } catch (error) {
        showError(error);
      }
    };
  }

  /** Renames in the sidebar row, in place, without opening the conversation. */
  function rename(conversationId: string): void {
    ui.renameTarget = conversationId;
    ui.renaming = true;
  }

  function actionsFor(item: ConversationSummary): MenuItem[] {
    return [
      {
        id: 'pin',
        label: item.pinned ? t('conversation.unpin') : t('conversation.pin'),
        icon: item.pinned ? PinOff : Pin,
        shortcut: shortcutOf('pin'),
        run: guarded(() => pinConversation(item.id, !item.pinned)),
      },
      {
        id: 'rename',
        label: t('conversation.rename'),
        icon: PenLine,
        shortcut: shortcutOf('rename'),
        run: () => rename(item.id),
      },
      {
        id: 'export-markdown',
        label: t('sidebar.exportMarkdown'),
        icon: FileText,
        shortcut: shortcutOf('export-markdown'),
        run: () => exportConversation('markdown', item.id),
      },
      {
        id: 'export-json',
        label: t('sidebar.exportJson'),
        icon: Braces,
        shortcut: shortcutOf('export-json'),
        run: () => exportConversation('json', item.id),
      },
      {
        id: 'delete',
        label: t('conversation.delete'),
        icon: Trash2,
        shortcut: shortcutOf('delete'),
        danger: true,
        separatorBefore: true,
        run: guarded(() => remove(item.id)),
      },
    ];
  }

  return { actionsFor, guarded };
}
