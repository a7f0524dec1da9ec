/** Test helpers for the stores. */
import { vi } from 'vitest';
import type { useChatStore } from '../stores/chat';

/** Makes the chat store's next `newChat` wait until the returned function is called. */
export function holdNextNewChat(chat: ReturnType<typeof useChatStore>): () => void {
  let finish: () => void = () => {};
  vi.spyOn(chat, 'newChat').mockReturnValueOnce(new Promise<void>((resolve) => (finish = resolve)));
  return () => finish();
}
