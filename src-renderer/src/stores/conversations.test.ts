// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary, Result, SearchHit } from '../../../src-preload/contract';
import { installFakeNagare, ok } from '../testing/fakeNagare';
import { useConversationsStore } from './conversations';

function summary(id: string, pinned = false, title = `Conversation ${id}`): ConversationSummary {
  return { id, title, pinned, createdAt: 0, updatedAt: 0, providerId: null, model: null };
}

function hit(conversationId: string, snippet: string): SearchHit {
  return {
    conversationId,
    conversationTitle: conversationId,
    messageId: null,
    role: null,
    snippet,
    highlights: [],
    updatedAt: 0,
  };
}

/** Main's history: a list of conversations the test can change, and a delete with a 5 s undo window. */
function installHistory(initial: ConversationSummary[]) {
  const state = { items: initial };
  const fake = installFakeNagare({
    history: {
      list: ({ cursor }) => ok(cursor ? { items: [], nextCursor: null } : { items: state.items, nextCursor: null }),
      delete: ({ conversationId }) => {
        state.items = state.items.filter((item) => item.id !== conversationId);
        return ok({ undoToken: `undo-${conversationId}`, undoWindowMs: 5_000 });
      },
    },
  });
  return { fake, state };
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.useRealTimers());

describe('useConversationsStore', () => {
  it('lists pinned conversations first, which is also the order Ctrl+Tab follows, wrapping around', async () => {
    installHistory([summary('a'), summary('b', true), summary('c')]);
    const store = useConversationsStore();
    await store.refresh();
    expect(store.pinned.map((item) => item.id)).toEqual(['b']);
    expect(store.ordered.map((item) => item.id)).toEqual(['b', 'a', 'c']);
    expect(store.neighbour(1)?.id).toBe('b');
    store.activeId = 'c';
    expect(store.active?.id).toBe('c');
    expect(store.neighbour(1)?.id).toBe('b');
    expect(store.neighbour(-1)?.id).toBe('a');
  });

  it('adds a next page without repeating conversations it already has', async () => {
    const { fake } = installHistory([summary('a'), summary('b')]);
    fake.api.history.list.mockReturnValueOnce(ok({ items: [summary('a'), summary('b')], nextCursor: 'page-2' }));
    const store = useConversationsStore();
    await store.refresh();
    fake.api.history.list.mockReturnValueOnce(ok({ items: [summary('b'), summary('c')], nextCursor: null }));
    await store.loadMore();
    expect(store.items.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    await store.loadMore();
    expect(fake.api.history.list).toHaveBeenCalledTimes(2);
  });

  it('renames with the title trimmed and ignores an empty one', async () => {
    const { fake } = installHistory([summary('a')]);
    const store = useConversationsStore();
    await store.rename('a', '  旅行の計画  ');
    await store.rename('a', '   ');
    expect(fake.api.history.rename.mock.calls).toEqual([[{ conversationId: 'a', title: '旅行の計画' }]]);
  });

  it('offers undo for a deleted conversation until its window passes', async () => {
    vi.useFakeTimers();
    const { fake } = installHistory([summary('a', false, 'Groceries'), summary('b')]);
    const store = useConversationsStore();
    await store.refresh();
    store.activeId = 'a';
    await store.remove('a');
    expect(store.activeId).toBeNull();
    expect(store.items.map((item) => item.id)).toEqual(['b']);
    expect(store.pendingDeletes).toEqual([
      { conversationId: 'a', title: 'Groceries', undoToken: 'undo-a', expiresAt: Date.now() + 5_000 },
    ]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(store.pendingDeletes).toHaveLength(1);
    expect(await store.undoDelete('undo-a')).toBe('a');
    expect(fake.api.history.undoDelete).toHaveBeenCalledWith({ undoToken: 'undo-a' });
    expect(store.pendingDeletes).toEqual([]);

    await store.remove('b');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(store.pendingDeletes).toEqual([]);
  });

  it('keeps the results of the newest search when an older, slower one answers last', async () => {
    const { fake } = installHistory([]);
    let answerOld: (value: Result<SearchHit[]>) => void = () => undefined;
    fake.api.history.search.mockReturnValueOnce(new Promise((resolve) => (answerOld = resolve)));
    fake.api.history.search.mockReturnValueOnce(ok([hit('new', '東京の天気')]));
    const store = useConversationsStore();
    const older = store.search('東');
    await store.search('東京');
    answerOld({ ok: true, value: [hit('old', '東')] });
    await older;
    expect(store.searchHits.map((found) => found.conversationId)).toEqual(['new']);
    expect(store.searching).toBe(false);
    await store.search('   ');
    expect(store.searchHits).toEqual([]);
  });

  it('starts a new query at the first page, even when history changes before its search runs', async () => {
    vi.useFakeTimers();
    const { fake } = installHistory([]);
    const many = (word: string, count: number) => ok(Array.from({ length: count }, (_, i) => hit(`${word}${i}`, word)));
    fake.api.history.search.mockImplementation(({ query, limit }) => many(query, Math.min(limit ?? 50, 80)));
    const store = useConversationsStore();
    await store.search('Question');
    await store.showMoreResults();
    expect(store.searchHits).toHaveLength(80);
    // The box shows the new words at once and searches a moment later; a reply saved meanwhile refreshes first.
    store.searchQuery = '思います';
    fake.emit('history.changed', { conversationId: null, reason: 'message' });
    await vi.advanceTimersByTimeAsync(100);
    await flushPromises();
    expect(fake.api.history.search).toHaveBeenLastCalledWith({ query: '思います', limit: 51 });
    expect(store.searchHits).toHaveLength(50);
    expect(store.searchCapped).toBe(true);
  });

  it('refreshes once for a burst of history changes, and searches again', async () => {
    vi.useFakeTimers();
    const { fake, state } = installHistory([summary('a')]);
    const store = useConversationsStore();
    await store.search('a');
    state.items = [summary('a'), summary('imported')];
    for (let index = 0; index < 20; index++) fake.emit('history.changed', { conversationId: null, reason: 'imported' });
    await vi.advanceTimersByTimeAsync(100);
    await flushPromises();
    expect(fake.api.history.list).toHaveBeenCalledTimes(1);
    expect(fake.api.history.search).toHaveBeenCalledTimes(2);
    expect(store.items.map((item) => item.id)).toEqual(['a', 'imported']);
  });

  it('stops listening for history changes when disposed', () => {
    const { fake } = installHistory([]);
    const store = useConversationsStore();
    expect(fake.listenerCount('history.changed')).toBe(1);
    store.$dispose();
    expect(fake.listenerCount('history.changed')).toBe(0);
  });
});
