/** The conversation list (pinned first, then most recent), the selection, search, and delete with undo. */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { ConversationSummary, SearchHit } from '../../../src-preload/contract';
import { bridge, unwrap } from '../ipc/nagare';

const PAGE_SIZE = 200;
/** Search hits shown at first, and added by each "Show more". */
const SEARCH_PAGE = 50;
/** The most hits shown for one query (main answers at most 200; one more tells whether there are more). */
const SEARCH_MOST = 150;

export interface PendingDelete {
  conversationId: string;
  title: string;
  undoToken: string;
  expiresAt: number;
}

export const useConversationsStore = defineStore('conversations', () => {
  const items = ref<ConversationSummary[]>([]);
  /** False until the first page has arrived: until then an empty list means "not known yet", not "none". */
  const loaded = ref(false);
  const nextCursor = ref<string | null>(null);
  const activeId = ref<string | null>(null);
  const searchQuery = ref('');
  const searchHits = ref<SearchHit[]>([]);
  const searching = ref(false);
  const searchLimit = ref(SEARCH_PAGE);
  /** More hits exist than are shown: the count reads "50+", and "Show more" may fetch them. */
  const searchCapped = ref(false);
  const pendingDeletes = ref<PendingDelete[]>([]);

  const pinned = computed(() => items.value.filter((item) => item.pinned));
  const recent = computed(() => items.value.filter((item) => !item.pinned));
  /** The order the sidebar shows, which Ctrl+Tab follows. */
  const ordered = computed(() => [...pinned.value, ...recent.value]);
  const active = computed(() => items.value.find((item) => item.id === activeId.value) ?? null);

  async function refresh(): Promise<void> {
    const loadedCount = Math.max(PAGE_SIZE, items.value.length);
    const page = await unwrap(bridge().history.list({ limit: Math.min(loadedCount, 500) }));
    items.value = page.items;
    nextCursor.value = page.nextCursor;
    loaded.value = true;
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value) return;
    const page = await unwrap(bridge().history.list({ cursor: nextCursor.value, limit: PAGE_SIZE }));
    const known = new Set(items.value.map((item) => item.id));
    items.value = [...items.value, ...page.items.filter((item) => !known.has(item.id))];
    nextCursor.value = page.nextCursor;
  }

  async function rename(conversationId: string, title: string): Promise<void> {
    const trimmed = title.trim();
    if (!trimmed) return;
    await unwrap(bridge().history.rename({ conversationId, title: trimmed }));
    await refresh();
  }

  async function setPinned(conversationId: string, value: boolean): Promise<void> {
    await unwrap(bridge().history.pin({ conversationId, pinned: value }));
    await refresh();
  }

  async function remove(conversationId: string): Promise<void> {
    const title = items.value.find((item) => item.id === conversationId)?.title ?? '';
    const receipt = await unwrap(bridge().history.delete({ conversationId }));
    const pending = {
      conversationId,
      title,
      undoToken: receipt.undoToken,
      expiresAt: Date.now() + receipt.undoWindowMs,
    };
    pendingDeletes.value = [...pendingDeletes.value, pending];
    setTimeout(() => forget(receipt.undoToken), receipt.undoWindowMs);
    if (activeId.value === conversationId) activeId.value = null;
    await refresh();
  }

  function forget(undoToken: string): void {
    pendingDeletes.value = pendingDeletes.value.filter((pending) => pending.undoToken !== undoToken);
  }

  async function undoDelete(undoToken: string): Promise<string | null> {
    const pending = pendingDeletes.value.find((item) => item.undoToken === undoToken);
    await unwrap(bridge().history.undoDelete({ undoToken }));
    forget(undoToken);
    await refresh();
    return pending?.conversationId ?? null;
  }

  let searchGeneration = 0;
  /**
   * The query the shown hits answer. Not `searchQuery`: the search box sets that on every keystroke, before
   * the search runs, and a new query must start again at the first page.
   */
  let searchedQuery = '';
  async function search(query: string, limit: number = SEARCH_PAGE): Promise<void> {
    searchLimit.value = query === searchedQuery ? Math.max(SEARCH_PAGE, limit) : SEARCH_PAGE;
    searchedQuery = query;
    searchQuery.value = query;
    const generation = ++searchGeneration;
    if (!query.trim()) {
      searchHits.value = [];
      searchCapped.value = false;
      searching.value = false;
      return;
    }
    searching.value = true;
    // One more than shown tells whether there are more.
    const wanted = searchLimit.value;
    const hits = await unwrap(bridge().history.search({ query, limit: wanted + 1 }));
    // A slower, older query must not overwrite a newer one's results.
    if (generation !== searchGeneration) return;
    searchCapped.value = hits.length > wanted;
    searchHits.value = hits.slice(0, wanted);
    searching.value = false;
  }

  /** Shows the next page of hits for the same query; false when no more can be fetched. */
  const canShowMore = computed(() => searchCapped.value && searchLimit.value < SEARCH_MOST);
  async function showMoreResults(): Promise<void> {
    if (!canShowMore.value) return;
    await search(searchQuery.value, Math.min(searchLimit.value + SEARCH_PAGE, SEARCH_MOST));
  }

  /** The conversation `offset` steps away in sidebar order, wrapping around. */
  function neighbour(offset: number): ConversationSummary | null {
    const list = ordered.value;
    if (list.length === 0) return null;
    const index = list.findIndex((item) => item.id === activeId.value);
    const start = index === -1 ? (offset > 0 ? -1 : 0) : index;
    return list[(start + offset + list.length) % list.length] ?? null;
  }

  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  const stop = bridge().history.onChanged(() => {
    // Coalesce bursts (an import, a stream's title) into one list refresh.
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refresh();
      if (searchQuery.value) void search(searchQuery.value, searchLimit.value);
    }, 100);
  });
  onScopeDispose(() => {
    stop();
    if (refreshTimer) clearTimeout(refreshTimer);
  });

  return {
    items,
    loaded,
    nextCursor,
    activeId,
    active,
    pinned,
    recent,
    ordered,
    searchQuery,
    searchHits,
    searching,
    searchCapped,
    canShowMore,
    pendingDeletes,
    refresh,
    loadMore,
    rename,
    setPinned,
    remove,
    undoDelete,
    search,
    showMoreResults,
    neighbour,
  };
});
