// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatEvent, ChatStarted, OpenedConversation, Result } from '../../../src-preload/contract';
import { ANNOUNCE_INTERVAL_MS } from '../composables/useAnnouncer';
import { fail, installFakeNagare, ok } from '../testing/fakeNagare';
import { useChatStore } from './chat';

function opened(id: string, content: string): OpenedConversation {
  return {
    conversation: {
      id,
      title: id,
      pinned: false,
      createdAt: 0,
      updatedAt: 0,
      providerId: 'p',
      model: 'm',
      systemPrompt: '',
      parameters: {},
      toolServerIds: [],
    },
    messages: [
      {
        id: `${id}-m`,
        conversationId: id,
        parentId: null,
        role: 'assistant',
        content,
        reasoning: '',
        status: 'complete',
        error: null,
        model: 'm',
        usage: null,
        timeToFirstTokenMs: null,
        durationMs: null,
        createdAt: 0,
        versionIndex: 1,
        versionCount: 1,
        versionIds: [`${id}-m`],
        hasStreamLog: false,
        deleted: false,
        attachments: [],
        toolSteps: [],
      },
    ],
    olderCursor: null,
  };
}

const STARTED: ChatStarted = { streamId: 's1', conversationId: 'a', userMessageId: 'u', assistantMessageId: 'a-m' };

/** `history.open` answers only when the test says so; `saved` is what main has stored of the reply. */
function installMain(saved = 'saved') {
  const pending: Array<{ id: string; resolve: () => void }> = [];
  const state = { saved };
  const fake = installFakeNagare({
    history: {
      open: ({ conversationId }) =>
        new Promise<Result<OpenedConversation>>((resolve) =>
          pending.push({
            id: conversationId,
            resolve: () => resolve({ ok: true, value: opened(conversationId, state.saved) }),
          }),
        ),
    },
    chat: { start: () => ok(STARTED) },
  });
  const answerAll = async () => {
    while (pending.length) pending.shift()!.resolve();
    await flushPromises();
  };
  return { fake, pending, state, answerAll, emit: (event: ChatEvent) => fake.emit('chat.event', event) };
}

/** Opens conversation `a`, answering main's `history.open`. */
async function openA(main: ReturnType<typeof installMain>) {
  const chat = useChatStore();
  const opening = chat.open('a');
  await main.answerAll();
  await opening;
  return chat;
}

/** Opens `a` and sends a message there, answering main; the reply `s1` is then streaming. */
async function sendInA(main = installMain(), text = 'hello') {
  const chat = await openA(main);
  const sending = chat.send(text);
  await vi.waitFor(() => expect(main.pending).toHaveLength(1));
  await main.answerAll();
  return { main, chat, sent: await sending };
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.useRealTimers());

describe('useChatStore, opening', () => {
  it('drops a slow answer for a conversation the user already left', async () => {
    const main = installMain();
    const chat = useChatStore();
    const first = chat.open('a');
    const second = chat.open('b');
    main.pending.find((p) => p.id === 'b')!.resolve();
    await second;
    main.pending.find((p) => p.id === 'a')!.resolve();
    await first;
    expect(chat.conversation?.id).toBe('b');
  });

  it('keeps a new chat empty when a finished reply reloads its conversation late', async () => {
    const { main, chat } = await sendInA();
    main.emit({ streamId: 's1', seq: 0, kind: 'delta', text: 'Hi' });
    expect(chat.textOf(chat.messages[0]!)).toBe('Hi');
    main.emit({ streamId: 's1', seq: 1, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    // The reply's reload is in flight; the user starts a new chat before it answers.
    await chat.newChat();
    await main.answerAll();
    expect(chat.conversation).toBeNull();
    expect(chat.messages).toEqual([]);
  });
});

describe('useChatStore, when events outrun the answer to chat.start', () => {
  it('shows a reply that ended before its start was acknowledged as ended', async () => {
    let answerStart: () => void = () => undefined;
    const fake = installFakeNagare({
      history: { open: ({ conversationId }) => ok(opened(conversationId, 'the whole reply')) },
      chat: {
        start: () =>
          new Promise((resolve) => {
            answerStart = () =>
              resolve({
                ok: true,
                value: { streamId: 's9', conversationId: 'c', userMessageId: 'u', assistantMessageId: 'c-m' },
              });
          }),
      },
    });
    const chat = useChatStore();
    const sending = chat.send('hi');
    const emit = (event: ChatEvent) => fake.emit('chat.event', event);
    emit({ streamId: 's9', seq: 0, kind: 'started', conversationId: 'c', messageId: 'c-m' });
    emit({ streamId: 's9', seq: 1, kind: 'delta', text: 'the whole reply' });
    emit({ streamId: 's9', seq: 2, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    await flushPromises();
    answerStart();
    await sending;
    expect(chat.streaming).toBe(false);
    expect(chat.live.size).toBe(0);
    expect(chat.conversation?.id).toBe('c');
    expect(chat.textOf(chat.messages[0]!)).toBe('the whole reply');
  });
});

describe('useChatStore, checking seq on arrival', () => {
  it('drops an event that arrives again or late, so no text is doubled', async () => {
    const { main, chat } = await sendInA();
    main.emit({ streamId: 's1', seq: 0, kind: 'started', conversationId: 'a', messageId: 'a-m' });
    main.emit({ streamId: 's1', seq: 1, kind: 'delta', text: 'Hello' });
    main.emit({ streamId: 's1', seq: 1, kind: 'delta', text: 'Hello' });
    main.emit({ streamId: 's1', seq: 2, kind: 'delta', text: ', world' });
    main.emit({ streamId: 's1', seq: 0, kind: 'started', conversationId: 'a', messageId: 'a-m' });
    expect(chat.textOf(chat.messages[0]!)).toBe('Hello, world');
    expect(main.pending).toHaveLength(0);
  });

  it('after a gap shows the saved reply, not text with a hole, and reloads it from main', async () => {
    const { main, chat } = await sendInA();
    main.emit({ streamId: 's1', seq: 0, kind: 'started', conversationId: 'a', messageId: 'a-m' });
    main.emit({ streamId: 's1', seq: 1, kind: 'delta', text: 'One ' });
    main.state.saved = 'One two three ';
    main.emit({ streamId: 's1', seq: 4, kind: 'delta', text: 'four' });
    expect(chat.trustedLiveFor('a-m')).toBeNull();
    expect(chat.streaming).toBe(true);
    expect(main.pending).toHaveLength(1);
    await main.answerAll();
    expect(chat.textOf(chat.messages[0]!)).toBe('One two three ');
    // The end of the reply brings the whole saved text back.
    main.state.saved = 'One two three four';
    main.emit({ streamId: 's1', seq: 5, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    await main.answerAll();
    expect(chat.live.size).toBe(0);
    expect(chat.textOf(chat.messages[0]!)).toBe('One two three four');
  });
});

describe('useChatStore, replies', () => {
  it('shows a reply started elsewhere (quick ask) in the open conversation by reloading it', async () => {
    const main = installMain();
    await openA(main);
    main.emit({ streamId: 'q1', seq: 0, kind: 'started', conversationId: 'a', messageId: 'a-m' });
    expect(main.pending).toHaveLength(1);
    main.emit({ streamId: 'q2', seq: 0, kind: 'started', conversationId: 'elsewhere', messageId: 'x' });
    expect(main.pending).toHaveLength(1);
  });

  it('keeps showing a reply that could not be saved, and records its usage', async () => {
    const main = installMain();
    const chat = await openA(main);
    main.emit({ streamId: 's1', seq: 0, kind: 'started', conversationId: 'a', messageId: 'a-m' });
    await main.answerAll();
    main.emit({ streamId: 's1', seq: 1, kind: 'delta', text: 'kept only here' });
    main.emit({ streamId: 's1', seq: 2, kind: 'usage', usage: { completionTokens: 3 } });
    main.emit({
      streamId: 's1',
      seq: 3,
      kind: 'error',
      error: { code: 'storage', message: 'The disk is full.' },
      metrics: { durationMs: 10 },
    });
    await main.answerAll();
    expect(chat.textOf(chat.messages[0]!)).toBe('kept only here');
    expect(chat.liveFor('a-m')?.error?.code).toBe('storage');
    expect(chat.lastUsage).toEqual({ usage: { completionTokens: 3 }, metrics: { durationMs: 10 } });
  });

  it('keeps the draft and reports the error when sending fails', async () => {
    const main = installMain();
    main.fake.api.chat.start.mockReturnValueOnce(fail({ code: 'offline', message: 'You are offline.' }));
    const chat = await openA(main);
    chat.setDraft('my question');
    expect(await chat.send('my question')).toBe(false);
    expect(chat.composerError?.code).toBe('offline');
    expect(chat.draft).toBe('my question');
  });

  it('empties the draft, here and in main, once the message is sent', async () => {
    const main = installMain();
    main.fake.api.drafts.get.mockReturnValue(ok({ text: 'my question', attachments: [] }));
    const { chat, sent } = await sendInA(main, 'my question');
    expect(sent).toBe(true);
    expect(chat.draft).toBe('');
    expect(main.fake.api.drafts.set).toHaveBeenLastCalledWith({ key: 'a', text: '' });
  });

  it('reads a streaming reply to the live region in pieces, and the rest when it ends', async () => {
    vi.useFakeTimers();
    const main = installMain();
    const chat = await openA(main);
    main.emit({ streamId: 's1', seq: 0, kind: 'started', conversationId: 'a', messageId: 'a-m' });
    main.emit({ streamId: 's1', seq: 1, kind: 'delta', text: 'First part.' });
    main.emit({ streamId: 's1', seq: 2, kind: 'delta', text: ' Still first.' });
    expect(chat.announcement).toBe('');
    await vi.advanceTimersByTimeAsync(ANNOUNCE_INTERVAL_MS);
    expect(chat.announcement).toBe('First part. Still first.');
    main.emit({ streamId: 's1', seq: 3, kind: 'delta', text: ' The end.' });
    main.emit({ streamId: 's1', seq: 4, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    expect(chat.announcement).toBe('The end.');
  });

  it('releases its chat.event subscription when disposed', async () => {
    const main = installMain();
    const pinia = createPinia();
    setActivePinia(pinia);
    useChatStore();
    expect(main.fake.listenerCount('chat.event')).toBe(1);
    useChatStore().$dispose();
    expect(main.fake.listenerCount('chat.event')).toBe(0);
  });
});
