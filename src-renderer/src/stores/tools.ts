/**
 * Tools through MCP, in the window: the user's servers as main reports them (kept current by
 * `mcp.changed`), their setup, the servers the open conversation offers, and the answers to
 * tool calls a reply waits on. The subscription is released when the store is disposed.
 */
import { defineStore, storeToRefs } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { McpServerView, NagareErrorShape } from '../../../src-preload/contract';
import type { InputOf } from '../../../src-preload/contract/channels';
import { bridge, unwrap } from '../ipc/nagare';
import { useChatStore } from './chat';
import { failureKept } from './failureKept';

export const useToolsStore = defineStore('tools', () => {
  const servers = ref<McpServerView[]>([]);
  const error = ref<NagareErrorShape | null>(null);
  const chat = useChatStore();
  /** What a new chat will offer, before it has a conversation to keep the choice in. */
  const newChatServerIds = storeToRefs(chat).newChatToolServerIds;

  onScopeDispose(bridge().mcp.onChanged((list) => (servers.value = list)));

  async function load(): Promise<void> {
    servers.value = await unwrap(bridge().mcp.list());
  }

  /** Runs an operation, keeping its failure to show instead of throwing it at the caller. */
  const attempt = <T>(operation: () => Promise<T>) => failureKept(error, operation);

  const save = (input: InputOf<'mcp.save'>) => attempt(() => unwrap(bridge().mcp.save(input)));
  const remove = (serverId: string) => attempt(() => unwrap(bridge().mcp.remove({ serverId })));
  const restart = (serverId: string) => attempt(() => unwrap(bridge().mcp.restart({ serverId })));
  const setEnabled = (serverId: string, enabled: boolean) =>
    attempt(() => unwrap(bridge().mcp.setEnabled({ serverId, enabled })));

  /** The servers the open conversation (or the new chat) offers. */
  const activeServerIds = computed(() => chat.conversation?.toolServerIds ?? newChatServerIds.value);

  /** Turns one server's tools on or off for the open conversation. */
  async function toggleForConversation(serverId: string, on: boolean): Promise<void> {
    const current = activeServerIds.value;
    const next = on ? [...new Set([...current, serverId])] : current.filter((id) => id !== serverId);
    const conversation = chat.conversation;
    if (!conversation) {
      newChatServerIds.value = next;
      return;
    }
    const updated = await attempt(() =>
      unwrap(bridge().history.configure({ conversationId: conversation.id, toolServerIds: next })),
    );
    if (updated) chat.conversation = updated;
  }

  /** Answers a call a reply waits on: run it, deny it, or run it and never ask again for that tool. */
  async function decide(input: InputOf<'tools.decide'>): Promise<void> {
    const reply = chat.live.get(input.streamId);
    // The prompt goes at once; the call shows as running until its result arrives.
    if (reply) reply.askIds = reply.askIds.filter((id) => id !== input.callId);
    await attempt(() => unwrap(bridge().tools.decide(input)));
  }

  return {
    servers,
    error,
    newChatServerIds,
    activeServerIds,
    load,
    save,
    remove,
    restart,
    setEnabled,
    toggleForConversation,
    decide,
  };
});
