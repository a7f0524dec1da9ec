// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { effectScope } from 'vue';
import type { ChatEvent } from '../../../src-preload/contract';
import { installFakeNagare } from '../testing/fakeNagare';
import { applyChatEvent, newLiveReply, useLiveReplies, type Arrival } from './useLiveReplies';

const delta = (seq: number, text: string): ChatEvent => ({ streamId: 's', seq, kind: 'delta', text });

describe('applyChatEvent', () => {
  it('applies events in seq order and drops a repeated or late one', () => {
    const reply = newLiveReply('s');
    const arrivals: Arrival[] = [
      applyChatEvent(reply, { streamId: 's', seq: 0, kind: 'started', conversationId: 'c', messageId: 'm' }),
      applyChatEvent(reply, delta(1, 'こんにちは')),
      applyChatEvent(reply, delta(1, 'こんにちは')),
      applyChatEvent(reply, { streamId: 's', seq: 2, kind: 'reasoning', text: 'hmm' }),
      applyChatEvent(reply, delta(3, ' 🌊')),
      applyChatEvent(reply, delta(2, 'late')),
    ];
    expect(arrivals).toEqual(['applied', 'applied', 'stale', 'applied', 'applied', 'stale']);
    expect(reply).toMatchObject({ messageId: 'm', conversationId: 'c', text: 'こんにちは 🌊', reasoning: 'hmm' });
    expect(reply.incomplete).toBe(false);
  });

  it('marks a reply incomplete when events were missed, and still ends it', () => {
    const reply = newLiveReply('s');
    expect(applyChatEvent(reply, delta(3, 'tail'))).toBe('gap');
    expect(reply.incomplete).toBe(true);
    const end = {
      streamId: 's',
      seq: 4,
      kind: 'error',
      error: { code: 'server', message: '502' },
      metrics: {},
    } as const;
    expect(applyChatEvent(reply, end)).toBe('applied');
    expect(reply).toMatchObject({ done: true, error: { code: 'server' }, text: 'tail' });
  });
});

describe('useLiveReplies', () => {
  function setUp() {
    const fake = installFakeNagare();
    const scope = effectScope();
    const seen: string[] = [];
    const live = scope.run(() => useLiveReplies((reply, event) => seen.push(`${reply.streamId}:${event.kind}`)))!;
    return { fake, scope, seen, live, emit: (event: ChatEvent) => fake.emit('chat.event', event) };
  }

  it('keeps a reply whose events came before the answer to chat.start, even one that already ended', () => {
    const { live, emit, seen } = setUp();
    emit({ streamId: 'q', seq: 0, kind: 'started', conversationId: 'c', messageId: 'm' });
    emit({ streamId: 'q', seq: 1, kind: 'delta', text: 'short' });
    emit({ streamId: 'q', seq: 2, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    const reply = live.adopt({ streamId: 'q', conversationId: 'c', userMessageId: 'u', assistantMessageId: 'm' });
    expect(reply).toMatchObject({ text: 'short', done: true });
    expect(seen).toEqual(['q:started', 'q:delta', 'q:done']);
  });

  it('makes a reply for an answer that came first, and never brings back one it let go', () => {
    const { live, emit } = setUp();
    const started = { streamId: 'a', conversationId: 'c', userMessageId: 'u', assistantMessageId: 'm' };
    expect(live.adopt(started)).toMatchObject({ messageId: 'm', text: '' });
    emit({ streamId: 'a', seq: 0, kind: 'started', conversationId: 'c', messageId: 'm' });
    emit({ streamId: 'a', seq: 1, kind: 'done', finishReason: 'stop', refusal: '', metrics: {} });
    live.release('a');
    emit({ streamId: 'a', seq: 2, kind: 'delta', text: 'ghost' });
    expect(live.adopt(started)).toBeNull();
    expect(live.replies.size).toBe(0);
  });

  it('unsubscribes with its scope', () => {
    const { fake, scope } = setUp();
    expect(fake.listenerCount('chat.event')).toBe(1);
    scope.stop();
    expect(fake.listenerCount('chat.event')).toBe(0);
  });
});
