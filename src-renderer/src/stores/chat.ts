/**
 * The open conversation: its messages, the replies streaming into it, and the
 * actions on them (send, stop, regenerate, edit, continue, versions). The store
 * owns the `chat.event` subscription and releases it when disposed.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, reactive, ref, shallowRef } from 'vue';
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
import { bridge, errorShapeOf, unwrap } from '../ipc/nagare';
import { useConversationsStore } from './conversations';

/** A reply as it streams in: kept apart from the message list so tokens touch only this object. */
export interface LiveReply {
  streamId: string;
  messageId: string | null;
  conversationId: string | null;
  text: string;
  reasoning: string;
  done: boolean;
  error: NagareErrorShape | null;
  usage: Usage | null;
  metrics: StreamMetrics | null;
  finishReason: string | null;
}

const ANNOUNCE_INTERVAL_MS = 2_500;
const NEW_CONVERSATION_DRAFT = 'new';

export const useChatStore = defineStore('chat', () => {
  const conversations = useConversationsStore();

  const conversation = ref<Conversation | null>(null);
  const messages = shallowRef<MessageView[]>([]);
  const olderCursor = ref<string | null>(null);
  const loading = ref(false);
  /** Replies by stream id; several may run at once in different conversations. */
  const live = reactive(new Map<string, LiveReply>());
  const lastUsage = ref<{ usage: Usage | null; metrics: StreamMetrics | null } | null>(null);
  const composerError = ref<NagareErrorShape | null>(null);
  /** Text for the polite live region: throttled, never per token. */
  const announcement = ref('');

  const draft = ref('');
  const draftKey = computed(() => conversation.value?.id ?? NEW_CONVERSATION_DRAFT);

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

  async function loadDraft(): Promise<void> {
    const key = draftKey.value;
    const text = await unwrap(bridge().drafts.get({ key }));
    if (draftKey.value === key) draft.value = text;
  }

  let draftTimer: ReturnType<typeof setTimeout> | null = null;
  let pendingDraft: { key: string; text: string } | null = null;
  function flushDraft(): void {
    if (draftTimer) clearTimeout(draftTimer);
    draftTimer = null;
    if (!pendingDraft) return;
    const { key, text } = pendingDraft;
    pendingDraft = null;
    void bridge().drafts.set({ key, text });
  }
  /** Keeps the draft of this conversation across switching and restarts. */
  function setDraft(text: string): void {
    draft.value = text;
    pendingDraft = { key: draftKey.value, text };
    if (draftTimer) clearTimeout(draftTimer);
    draftTimer = setTimeout(flushDraft, 400);
  }

  /** Streams that have ended, so a late answer to `chat.start` does not bring one back as running. */
  const settled = new Set<string>();
  /** Replies this window is starting; their own `started` events need no reload. */
  let localStarts = 0;
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
    // Events travel apart from this answer: a short reply may already have started, or even ended, before it arrives.
    const existing = live.get(started.streamId);
    if (existing) {
      existing.messageId = started.assistantMessageId;
      existing.conversationId = started.conversationId;
    } else if (!settled.has(started.streamId)) {
      live.set(started.streamId, {
        streamId: started.streamId,
        messageId: started.assistantMessageId,
        conversationId: started.conversationId,
        text: '',
        reasoning: '',
        done: false,
        error: null,
        usage: null,
        metrics: null,
        finishReason: null,
      });
    }
    announcement.value = '';
    announced = 0;
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
    const previousKey = draftKey.value;
    const started = await start({ conversationId: conversation.value?.id, content, mode: 'send' });
    if (!started) return false;
    draft.value = '';
    pendingDraft = { key: previousKey, text: '' };
    flushDraft();
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

  function textOf(message: MessageView): string {
    return liveFor(message.id)?.text ?? message.content;
  }

  let announced = 0;
  let announceTimer: ReturnType<typeof setTimeout> | null = null;
  function scheduleAnnouncement(reply: LiveReply): void {
    if (reply.conversationId !== conversation.value?.id) return;
    const flush = () => {
      announceTimer = null;
      const fresh = reply.text.slice(announced).trim();
      announced = reply.text.length;
      if (fresh) announcement.value = fresh;
    };
    if (reply.done) {
      if (announceTimer) clearTimeout(announceTimer);
      flush();
    } else {
      announceTimer ??= setTimeout(flush, ANNOUNCE_INTERVAL_MS);
    }
  }

  function onEvent(event: ChatEvent): void {
    let reply = live.get(event.streamId);
    if (!reply) {
      reply = {
        streamId: event.streamId,
        messageId: null,
        conversationId: null,
        text: '',
        reasoning: '',
        done: false,
        error: null,
        usage: null,
        metrics: null,
        finishReason: null,
      };
      live.set(event.streamId, reply);
      reply = live.get(event.streamId)!;
    }
    switch (event.kind) {
      case 'started':
        reply.messageId = event.messageId;
        reply.conversationId = event.conversationId;
        // Started elsewhere (quick ask) in the conversation on screen: show its new message.
        if (event.conversationId === conversation.value?.id && localStarts === 0) void reload();
        break;
      case 'delta':
        reply.text += event.text;
        break;
      case 'reasoning':
        reply.reasoning += event.text;
        break;
      case 'usage':
        reply.usage = event.usage;
        break;
      case 'done':
        reply.done = true;
        reply.finishReason = event.finishReason;
        reply.metrics = event.metrics;
        break;
      case 'error':
        reply.done = true;
        reply.error = event.error;
        reply.metrics = event.metrics;
        break;
    }
    scheduleAnnouncement(reply);
    if (reply.done) void settle(reply);
  }

  /** Once a reply ends, the saved message becomes the source of truth again. */
  async function settle(reply: LiveReply): Promise<void> {
    settled.add(reply.streamId);
    lastUsage.value = { usage: reply.usage, metrics: reply.metrics };
    // The reply could not be saved (disk full, read-only folder): the text lives only here, so keep showing it.
    if (reply.error?.code === 'storage') return;
    if (reply.conversationId && reply.conversationId === conversation.value?.id) await reload();
    live.delete(reply.streamId);
  }

  const stopEvents = bridge().chat.onEvent(onEvent);
  // A draft typed just before the window closes is saved too.
  window.addEventListener('beforeunload', flushDraft);
  onScopeDispose(() => {
    window.removeEventListener('beforeunload', flushDraft);
    stopEvents();
    flushDraft();
    if (announceTimer) clearTimeout(announceTimer);
  });

  return {
    conversation,
    messages,
    olderCursor,
    loading,
    live,
    lastUsage,
    composerError,
    announcement,
    draft,
    activeReply,
    streaming,
    liveFor,
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
