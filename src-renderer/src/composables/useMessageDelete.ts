/**
 * Deleting a message from the conversation on screen, with the same 10 s Undo as a conversation.
 * A message with others below it asks first: delete only it (its replies stay, under a "deleted"
 * marker) or it with everything below.
 */
import { useI18n } from 'vue-i18n';
import { useChatStore, type MessageDeleteScope } from '../stores/chat';
import { useUiStore } from '../stores/ui';
import { useErrorToast } from './useErrorToast';

export function useMessageDelete() {
  const { t } = useI18n();
  const chat = useChatStore();
  const ui = useUiStore();
  const showError = useErrorToast();

  /** How many messages the branch on screen shows below `messageId`. */
  function countBelow(messageId: string): number {
    const index = chat.messages.findIndex((message) => message.id === messageId);
    return index === -1 ? 0 : chat.messages.length - 1 - index;
  }

  /** Deletes, then offers Undo for as long as main keeps what was deleted. */
  async function remove(messageId: string, scope: MessageDeleteScope): Promise<void> {
    const count = scope === 'branch' ? countBelow(messageId) + 1 : 1;
    try {
      const receipt = await chat.deleteMessage(messageId, scope);
      ui.toast(t('toast.messagesDeleted', { n: count }, count), {
        timeoutMs: receipt.undoWindowMs,
        action: {
          label: t('toast.undo'),
          run: () => void chat.undoDeleteMessage(receipt.undoToken).catch(showError),
        },
      });
    } catch (error) {
      showError(error);
    }
  }

  return { countBelow, remove };
}
