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
  DeleteReceipt,
  MessageView,
  NagareErrorShape,
  OpenedConversation,
  StreamMetrics,
  Usage,
} from '../../../src-preload/contract';
import type { InputOf } from '../../../src-preload/contract/channels';
import { useAnnouncer } from '../composables/useAnnouncer';
import { useComposerAttachments } from '../composables/useComposerAttachments';
import { useDraft } from '../composables/useDraft';
import { useLiveReplies, type Arrival, type LiveReply } from '../composables/useLiveReplies';
import { bridge, errorShapeOf, unwrap } from '../ipc/nagare';
import { useConversationsStore } from './conversations';

export type { LiveReply } from '../composables/useLiveReplies';

/** A conversation's settings as the conversation form edits them. */
export type NewChatSettings = Omit<InputOf<'history.configure'>, 'conversationId'>;

/** How a message is deleted: with everything below it, or on its own. */
export type MessageDeleteScope = InputOf<'history.deleteMessage'>['scope'];

const NEW_CONVERSATION_DRAFT = 'new';

export const useChatStore = defineStore('chat', () => {
  const conversations = useConversationsStore();

  const conversation = ref<Conversation | null>(null);
  const messages = shallowRef<MessageView[]>([]);
  const olderCursor = ref<string | null>(null);
  const loading = ref(false);
  const lastUsage = ref<{ usage: Usage | null; metrics: StreamMetrics | null } | null>(null);
  const composerError = ref<NagareErrorShape | null>(null);
  /** Settings chosen for a new chat before its first message; the conversation is created with them. */
  const newChatSettings = ref<NewChatSettings>({});
  /** The settings the conversation form edits: the open conversation's, or the new chat's. */
  const settings = computed<NewChatSettings>(() => {
    const current = conversation.value;
    if (!current) return newChatSettings.value;
    return {
      providerId: current.providerId,
      model: current.model,
      systemPrompt: current.systemPrompt,
      parameters: current.parameters,
    };
  });
  /** Whether the open conversation is pinned, from the list every pin updates (sidebar, header, palette). */
  const pinned = computed(() => {
    const current = conversation.value;
    if (!current) return false;
    return conversations.items.find((item) => item.id === current.id)?.pinned ?? current.pinned;
  });
  /** The servers a new chat will offer tools from; set by the tools store before the first message. */
  const newChatToolServerIds = ref<string[]>([]);

  const draftKey = computed(() => conversation.value?.id ?? NEW_CONVERSATION_DRAFT);
  /** Files waiting in the composer, sent with the next message; kept with the draft. */
  const attachments = useComposerAttachments(draftKey);
  const { draft, setDraft, flushDraft, loadDraft, clearSentDraft } = useDraft(draftKey, (place, saved) =>
    attachments.restore(place, saved.attachments),
  );
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
    newChatSettings.value = {};
    newChatToolServerIds.value = [];
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
      // A new conversation is listed before it is shown, so that Ctrl+Tab at once steps from it.
      if (!conversations.items.some((item) => item.id === started.conversationId)) await conversations.refresh();
      applyOpened(await unwrap(bridge().history.open({ conversationId: started.conversationId, limit: 200 })));
    } else {
      await reload();
    }
    return started;
  }

  /** Sends what the user typed, with the composer's files. The draft and the files are kept when sending fails. */
  async function send(text: string): Promise<boolean> {
    const content = text.trim();
    const files = attachments.refs.value;
    if ((!content && files.length === 0) || streaming.value || attachments.preparing.value) return false;
    const sentFrom = draftKey.value;
    const started = await start({
      ...(conversation.value ? { conversationId: conversation.value.id } : newChatStartFields()),
      content,
      mode: 'send',
      ...(files.length > 0 ? { attachments: files } : {}),
      // A new chat carries the tools chosen before it existed; a conversation keeps its own.
      ...(conversation.value ? {} : { toolServerIds: newChatToolServerIds.value }),
    });
    if (!started) return false;
    newChatSettings.value = {};
    clearSentDraft(sentFrom);
    attachments.clear(sentFrom);
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

  /**
   * Sends the question a reply answers again, without its images, as a new
   * version of it: for a model that refuses images. Its other files stay.
   */
  async function resendWithoutImages(replyId: string): Promise<boolean> {
    const reply = messages.value.find((candidate) => candidate.id === replyId);
    const question = messages.value.find((candidate) => candidate.id === reply?.parentId);
    if (!conversation.value || !question || streaming.value) return false;
    const kept = question.attachments.filter((file) => file.kind !== 'image');
    if (!question.content.trim() && kept.length === 0) return false;
    return (
      (await start({
        conversationId: conversation.value.id,
        content: question.content,
        mode: 'edit',
        targetMessageId: question.id,
        attachments: kept.map(({ id, name }) => ({ id, name })),
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

  /** Deletes a message (see `history.deleteMessage`); answers the receipt its Undo needs. */
  async function deleteMessage(messageId: string, scope: MessageDeleteScope = 'branch'): Promise<DeleteReceipt> {
    const receipt = await unwrap(bridge().history.deleteMessage({ messageId, scope }));
    await reload();
    return receipt;
  }

  /** Restores messages deleted with `deleteMessage`. */
  async function undoDeleteMessage(undoToken: string): Promise<void> {
    await unwrap(bridge().history.undoDelete({ undoToken }));
    await reload();
  }

  /** What `chat.start` takes of the new chat's settings; unset ones are left to the defaults. */
  function newChatStartFields(): Partial<InputOf<'chat.start'>> {
    const chosen = newChatSettings.value;
    return {
      ...(chosen.providerId ? { providerId: chosen.providerId } : {}),
      ...(chosen.model ? { model: chosen.model } : {}),
      ...(chosen.systemPrompt ? { systemPrompt: chosen.systemPrompt } : {}),
      ...(chosen.parameters ? { parameters: chosen.parameters } : {}),
    };
  }

  /** Changes the open conversation's settings, or, before the first message, the new chat's. */
  async function configure(patch: NewChatSettings): Promise<void> {
    if (!conversation.value) {
      newChatSettings.value = { ...newChatSettings.value, ...patch };
      return;
    }
    conversation.value = await unwrap(bridge().history.configure({ conversationId: conversation.value.id, ...patch }));
  }

  /** Pins or unpins the open conversation. */
  async function setPinned(value: boolean): Promise<void> {
    const current = conversation.value;
    if (!current) return;
    await conversations.setPinned(current.id, value);
    if (conversation.value?.id === current.id) conversation.value = { ...conversation.value, pinned: value };
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
    newChatToolServerIds,
    messages,
    olderCursor,
    loading,
    live,
    lastUsage,
    composerError,
    settings,
    pinned,
    clearComposerError,
    announcement,
    draft,
    pendingAttachments: attachments.pending,
    attachmentProblem: attachments.problem,
    preparingAttachments: attachments.preparing,
    addAttachments: attachments.add,
    removeAttachment: attachments.remove,
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
    resendWithoutImages,
    continueReply,
    openAt,
    showVersion,
    stepVersion,
    deleteMessage,
    undoDeleteMessage,
    configure,
    setPinned,
  };
});
