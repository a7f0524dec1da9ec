// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatEvent, OpenedConversation } from '../../../src-preload/contract';

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
      },
    ],
    olderCursor: null,
  };
}

/** A bridge whose `history.open` answers only when the test says so. */
function installBridge() {
  const pending: Array<{ id: string; resolve: () => void }> = [];
  const listeners: Array<(event: ChatEvent) => void> = [];
  const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
  (window as unknown as { nagare: unknown }).nagare = {
    history: {
      open: ({ conversationId }: { conversationId: string }) =>
        new Promise((resolve) =>
          pending.push({
            id: conversationId,
            resolve: () => resolve({ ok: true, value: opened(conversationId, 'saved') }),
          }),
        ),
      onChanged: () => () => undefined,
      list: () => ok({ items: [], nextCursor: null }),
    },
    drafts: { get: () => ok(''), set: () => ok(undefined) },
    chat: {
      onEvent: (listener: (event: ChatEvent) => void) => {
        listeners.push(listener);
        return () => undefined;
      },
      start: () => ok({ streamId: 's1', conversationId: 'a', userMessageId: 'u', assistantMessageId: 'a-m' }),
    },
  };
  return { pending, emit: (event: ChatEvent) => listeners.forEach((listener) => listener(event)) };
}

describe('useChatStore', () => {
  let bridge: ReturnType<typeof installBridge>;
  beforeEach(() => {
    bridge = installBridge();
    setActivePinia(createPinia());
  });

  it('drops a slow answer for a conversation the user already left', async () => {
    const { useChatStore } = await import('./chat');
    const chat = useChatStore();
    const first = chat.open('a');
    const second = chat.open('b');
    bridge.pending.find((p) => p.id === 'b')!.resolve();
    await second;
    bridge.pending.find((p) => p.id === 'a')!.resolve();
    await first;
    expect(chat.conversation?.id).toBe('b');
  });

  it('keeps a new chat empty when a finished reply reloads its conversation late', async () => {
    const { useChatStore } = await import('./chat');
    const chat = useChatStore();
    const opening = chat.open('a');
    bridge.pending[0]!.resolve();
    await opening;
    const sending = chat.send('hello');
    await vi.waitFor(() => expect(bridge.pending).toHaveLength(2));
    bridge.pending[1]!.resolve();
    await sending;
    bridge.emit({ streamId: 's1', seq: 0, kind: 'delta', text: 'Hi' });
    expect(chat.textOf(chat.messages[0]!)).toBe('Hi');
    bridge.emit({ streamId: 's1', seq: 1, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    // The reply's reload is in flight; the user starts a new chat before it answers.
    await chat.newChat();
    await vi.waitFor(() => expect(bridge.pending).toHaveLength(3));
    bridge.pending.at(-1)!.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(chat.conversation).toBeNull();
    expect(chat.messages).toEqual([]);
  });
});

describe('useChatStore, when events outrun the answer to chat.start', () => {
  it('shows a reply that ended before its start was acknowledged as ended', async () => {
    const listeners: Array<(event: ChatEvent) => void> = [];
    let answerStart: () => void = () => undefined;
    const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
    (window as unknown as { nagare: unknown }).nagare = {
      history: {
        open: ({ conversationId }: { conversationId: string }) => ok(opened(conversationId, 'the whole reply')),
        onChanged: () => () => undefined,
      },
      drafts: { get: () => ok(''), set: () => ok(undefined) },
      chat: {
        onEvent: (listener: (event: ChatEvent) => void) => {
          listeners.push(listener);
          return () => undefined;
        },
        start: () =>
          new Promise((resolve) => {
            answerStart = () =>
              resolve({
                ok: true,
                value: { streamId: 's9', conversationId: 'c', userMessageId: 'u', assistantMessageId: 'c-m' },
              });
          }),
      },
    };
    setActivePinia(createPinia());
    const { useChatStore } = await import('./chat');
    const chat = useChatStore();
    const sending = chat.send('hi');
    const emit = (event: ChatEvent) => listeners.forEach((listener) => listener(event));
    emit({ streamId: 's9', seq: 0, kind: 'started', conversationId: 'c', messageId: 'c-m' });
    emit({ streamId: 's9', seq: 1, kind: 'delta', text: 'the whole reply' });
    emit({ streamId: 's9', seq: 2, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    await new Promise((resolve) => setTimeout(resolve, 0));
    answerStart();
    await sending;
    expect(chat.streaming).toBe(false);
    expect(chat.live.size).toBe(0);
    expect(chat.conversation?.id).toBe('c');
    expect(chat.textOf(chat.messages[0]!)).toBe('the whole reply');
  });
});
