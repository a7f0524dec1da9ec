/**
 * The open conversation: opening and paging it, and the actions on its
 * messages (send, stop, regenerate, edit, continue, versions). Replies as they
 * stream, the draft and the screen-reader announcements each live in their own
 * composable; the store ties them to the open conversation. Its `chat.event`
 * subscription (in useLiveReplies) is released when the store is disposed.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  ChatEvent,
  ChatStarted,
  Conversation,
  MessageView,
  NagareErrorShape,
  OpenedConversation,
  StreamMetrics,
  Usage,
} from '../../../src-preload/contract';
import type { InputOf } from '../../../src-preload/contract/channels';
import { useAnnouncer } from '../composables/useAnnouncer';
import { useDraft } from '../composables/useDraft';
import { useLiveReplies, type Arrival, type LiveReply } from '../composables/useLiveReplies';
import { bridge, errorShapeOf, unwrap } from '../ipc/nagare';
import { useConversationsStore } from './conversations';

export type { LiveReply } from '../composables/useLiveReplies';

const NEW_CONVERSATION_DRAFT = 'new';

export const useChatStore = defineStore('chat', () => {
  const conversations = useConversationsStore();

  const conversation = ref<Conversation | null>(null);
  const messages = shallowRef<MessageView[]>([]);
  const olderCursor = ref<string | null>(null);
  const loading = ref(false);
  const lastUsage = ref<{ usage: Usage | null; metrics: StreamMetrics | null } | null>(null);
  const composerError = ref<NagareErrorShape | null>(null);

  const draftKey = computed(() => conversation.value?.id ?? NEW_CONVERSATION_DRAFT);
  const { draft, setDraft, flushDraft, loadDraft, clearSentDraft } = useDraft(draftKey);
  /** Text for the polite live region: throttled, never per token. */
  const { announcement, follow: announce, reset: resetAnnouncer } = useAnnouncer();
  const { replies: live, adopt, release } = useLiveReplies(onEvent);

  /** The reply streaming into the open conversation, if any. */
  const activeReply = computed(() => {
    for (const reply of live.values()) {
      if (!reply.done && reply.conversationId !== null && reply.conversationId === conversation.value?.id) return reply;
    }
    return null;
  });
  const streaming = computed(() => activeReply.value !== null);

  function liveFor(messageId: string): LiveReply | null {
    for (const reply of live.values()) if (reply.messageId === messageId) return reply;
    return null;
  }

  function applyOpened(opened: OpenedConversation): void {
    conversation.value = opened.conversation;
    messages.value = opened.messages;
    olderCursor.value = opened.olderCursor;
    conversations.activeId = opened.conversation.id;
  }

  /** Replies this window is starting, and those it started; their own `started` events need no reload. */
  let localStarts = 0;
  const startedHere = new Set<string>();
  /** Bumped whenever the user goes elsewhere, so a slow answer for an earlier place is dropped. */
  let navigation = 0;

  async function open(conversationId: string): Promise<void> {
    flushDraft();
    composerError.value = null;
    loading.value = true;
    const generation = ++navigation;
    try {
      const opened = await unwrap(bridge().history.open({ conversationId, limit: 200 }));
      if (generation !== navigation) return;
      applyOpened(opened);
    } finally {
      loading.value = false;
    }
    await loadDraft();
  }

  async function reload(): Promise<void> {
    const id = conversation.value?.id;
    if (!id) return;
    const generation = navigation;
    const opened = await unwrap(
      bridge().history.open({ conversationId: id, limit: Math.max(200, messages.value.length) }),
    );
    // The user may have moved on (new chat, another conversation) while this was loading.
    if (generation === navigation && conversation.value?.id === id) applyOpened(opened);
  }

  async function loadOlder(): Promise<void> {
    if (!conversation.value || !olderCursor.value) return;
    const page = await unwrap(
      bridge().history.open({ conversationId: conversation.value.id, before: olderCursor.value, limit: 200 }),
    );
    messages.value = [...page.messages, ...messages.value];
    olderCursor.value = page.olderCursor;
  }

  async function newChat(): Promise<void> {
    flushDraft();
    navigation++;
    conversation.value = null;
    messages.value = [];
    olderCursor.value = null;
    composerError.value = null;
    conversations.activeId = null;
    await loadDraft();
  }

  /** Forgets the composer's error, e.g. an offline refusal once the network is back. */
  function clearComposerError(): void {
    composerError.value = null;
  }

  async function start(input: InputOf<'chat.start'>): Promise<ChatStarted | null> {
    composerError.value = null;
    let started: ChatStarted;
    localStarts++;
    try {
      started = await unwrap(bridge().chat.start(input));
    } catch (error) {
      composerError.value = errorShapeOf(error);
      return null;
    } finally {
      localStarts--;
    }
    startedHere.add(started.streamId);
    adopt(started);
    resetAnnouncer();
    if (conversation.value?.id !== started.conversationId) {
      applyOpened(await unwrap(bridge().history.open({ conversationId: started.conversationId, limit: 200 })));
    } else {
      await reload();
    }
    return started;
  }

  /** Sends what the user typed. The draft is kept when sending fails. */
  async function send(text: string): Promise<boolean> {
    const content = text.trim();
    if (!content || streaming.value) return false;
    const sentFrom = draftKey.value;
    const started = await start({ conversationId: conversation.value?.id, content, mode: 'send' });
    if (!started) return false;
    clearSentDraft(sentFrom);
    return true;
  }

  async function stop(): Promise<boolean> {
    const reply = activeReply.value;
    if (!reply) return false;
    await unwrap(bridge().chat.cancel({ streamId: reply.streamId }));
    return true;
  }

  function lastOf(role: MessageView['role']): MessageView | null {
    for (let index = messages.value.length - 1; index >= 0; index--) {
      const message = messages.value[index];
      if (message?.role === role) return message;
    }
    return null;
  }

  async function regenerate(messageId?: string): Promise<void> {
    const target = messageId ?? lastOf('assistant')?.id;
    if (!conversation.value || !target || streaming.value) return;
    await start({ conversationId: conversation.value.id, content: '', mode: 'regenerate', targetMessageId: target });
  }

  async function editAndResend(messageId: string, content: string): Promise<boolean> {
    if (!conversation.value || !content.trim() || streaming.value) return false;
    return (
      (await start({
        conversationId: conversation.value.id,
        content: content.trim(),
        mode: 'edit',
        targetMessageId: messageId,
      })) !== null
    );
  }

  async function continueReply(messageId: string): Promise<void> {
    if (!conversation.value || streaming.value) return;
    const message = messages.value.find((candidate) => candidate.id === messageId);
    const started = await start({
      conversationId: conversation.value.id,
      content: '',
      mode: 'continue',
      targetMessageId: messageId,
    });
    // The continuation streams into the same message, after what was already there.
    const reply = started ? live.get(started.streamId) : null;
    if (reply && message) reply.text = message.content + reply.text;
  }

  /** Opens the conversation of a message (a search hit) on the branch that holds it. */
  async function openAt(messageId: string): Promise<void> {
    flushDraft();
    const generation = ++navigation;
    const opened = await unwrap(bridge().history.selectVersion({ messageId }));
    if (generation !== navigation) return;
    applyOpened(opened);
    await loadDraft();
  }

  async function showVersion(messageId: string): Promise<void> {
    applyOpened(await unwrap(bridge().history.selectVersion({ messageId })));
  }

  async function stepVersion(message: MessageView, step: -1 | 1): Promise<void> {
    const target = message.versionIds[message.versionIndex - 1 + step];
    if (target) await showVersion(target);
  }

  async function deleteMessage(messageId: string): Promise<void> {
    await unwrap(bridge().history.deleteMessage({ messageId }));
    await reload();
  }

  async function configure(patch: Omit<InputOf<'history.configure'>, 'conversationId'>): Promise<void> {
    if (!conversation.value) return;
    conversation.value = await unwrap(bridge().history.configure({ conversationId: conversation.value.id, ...patch }));
  }

  /** The reply streaming into `messageId` whose text can be trusted: none once events were missed. */
  function trustedLiveFor(messageId: string): LiveReply | null {
    const reply = liveFor(messageId);
    return reply && !reply.incomplete ? reply : null;
  }

  /** What a message says now: its live text while it streams, else what was saved. */
  function textOf(message: MessageView): string {
    return trustedLiveFor(message.id)?.text ?? message.content;
  }

  function onEvent(reply: LiveReply, event: ChatEvent, arrival: Arrival): void {
    const onScreen = reply.conversationId !== null && reply.conversationId === conversation.value?.id;
    // Started elsewhere (quick ask) in the conversation on screen: show its new message.
    if (event.kind === 'started' && onScreen && localStarts === 0 && !startedHere.has(reply.streamId)) void reload();
    // Events were missed: show what main has saved of the reply so far instead of text with a hole.
    if (arrival === 'gap' && onScreen && !reply.done) void reload();
    if (onScreen) announce(reply.text, reply.done);
    if (reply.done) void settle(reply);
  }

  /** Once a reply ends, the saved message becomes the source of truth again. */
  async function settle(reply: LiveReply): Promise<void> {
    lastUsage.value = { usage: reply.usage, metrics: reply.metrics };
    // The reply could not be saved (disk full, read-only folder): the text lives only here, so keep showing it.
    if (reply.error?.code === 'storage') return;
    if (reply.conversationId && reply.conversationId === conversation.value?.id) await reload();
    release(reply.streamId);
    startedHere.delete(reply.streamId);
  }

  return {
    conversation,
    messages,
    olderCursor,
    loading,
    live,
    lastUsage,
    composerError,
    clearComposerError,
    announcement,
    draft,
    activeReply,
    streaming,
    liveFor,
    trustedLiveFor,
    textOf,
    lastOf,
    setDraft,
    flushDraft,
    loadDraft,
    open,
    reload,
    loadOlder,
    newChat,
    send,
    stop,
    regenerate,
    editAndResend,
    continueReply,
    openAt,
    showVersion,
    stepVersion,
    deleteMessage,
    configure,
  };
});
