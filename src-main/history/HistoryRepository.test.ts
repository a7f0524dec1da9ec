import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryError } from './errors';
import { UNDO_WINDOW_MS, titleFromMessage } from './HistoryRepository';
import { openStore, removeTempDirs, seedChat, type TestStore } from './testSupport';

let store: TestStore;
beforeEach(() => {
  store = openStore();
});
afterEach(() => {
  store.close();
  removeTempDirs();
});

function codeOf(work: () => unknown): string | null {
  try {
    work();
    return null;
  } catch (error) {
    return error instanceof HistoryError ? error.code : 'not a HistoryError';
  }
}

/** user → assistant → user → assistant, returning the ids. */
function chat(turns: number, conversationId = store.repo.createConversation().id) {
  return seedChat(store.repo, turns, conversationId);
}

describe('conversations', () => {
  it('creates, configures, renames and pins', () => {
    const created = store.repo.createConversation({ providerId: 'openai', model: 'gpt-4o' });
    expect(created).toMatchObject({
      title: '',
      pinned: false,
      providerId: 'openai',
      model: 'gpt-4o',
      systemPrompt: '',
      parameters: {},
    });
    const configured = store.repo.configure({
      conversationId: created.id,
      systemPrompt: 'Be brief.',
      parameters: { temperature: 0.2, maxTokens: 100 },
      model: null,
    });
    expect(configured).toMatchObject({
      providerId: 'openai',
      model: null,
      systemPrompt: 'Be brief.',
      parameters: { temperature: 0.2, maxTokens: 100 },
    });
    store.repo.rename(created.id, '  Plans  ');
    store.repo.setPinned(created.id, true);
    expect(store.repo.getConversation(created.id)).toMatchObject({ title: 'Plans', pinned: true });
    expect(codeOf(() => store.repo.rename(created.id, '   '))).toBe('invalid_request');
    expect(codeOf(() => store.repo.rename('nope', 'x'))).toBe('missing');
  });

  it('titles a conversation from the first line of the first user message, once', () => {
    const { id } = store.repo.createConversation();
    store.repo.addUserMessage(id, null, '\n   How do   I bake bread?\nSecond line');
    expect(store.repo.getConversation(id).title).toBe('How do I bake bread?');
    const second = store.repo.addUserMessage(id, null, 'Something else');
    expect(second.versionCount).toBe(2);
    expect(store.repo.getConversation(id).title).toBe('How do I bake bread?');
    expect(titleFromMessage('あ'.repeat(100))).toBe(`${'あ'.repeat(59)}…`);
    expect(Array.from(titleFromMessage('x'.repeat(61)))).toHaveLength(60);
  });

  it('lists pinned first, then most recently updated, across pages with a keyset cursor', () => {
    const ids = Array.from({ length: 7 }, (_, i) => store.repo.createConversation({ title: `c${i}` }).id);
    store.repo.addUserMessage(ids[2] ?? '', null, 'bump c2');
    store.repo.setPinned(ids[5] ?? '', true);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = store.repo.listConversations({ cursor, limit: 3 });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((c) => c.title));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(['c5', 'c2', 'c6', 'c4', 'c3', 'c1', 'c0']);
    expect(codeOf(() => store.repo.listConversations({ cursor: 'garbage' }))).toBe('invalid_request');
  });

  it('soft-deletes with undo: hidden at once, restorable in the window, purged after', () => {
    const keep = chat(1);
    const gone = chat(2);
    store.repo.rename(gone.conversationId, 'Secret plans');
    const receipt = store.repo.deleteConversation(gone.conversationId);
    expect(receipt.undoWindowMs).toBe(UNDO_WINDOW_MS);
    expect(store.repo.listConversations().items.map((c) => c.id)).toEqual([keep.conversationId]);
    expect(store.repo.search('Secret')).toEqual([]);
    expect(codeOf(() => store.repo.openConversation({ conversationId: gone.conversationId }))).toBe('missing');
    // Nothing removed before the window ends.
    expect(store.repo.purgeExpiredDeletes(store.clock.now() + UNDO_WINDOW_MS - 100)).toBe(0);
    store.repo.undoDelete(receipt.undoToken);
    expect(store.repo.listConversations().items).toHaveLength(2);
    expect(store.repo.search('Secret')).toHaveLength(1);

    const second = store.repo.deleteConversation(gone.conversationId);
    store.clock.advance(UNDO_WINDOW_MS);
    expect(codeOf(() => store.repo.undoDelete(second.undoToken))).toBe('missing');
    expect(store.repo.purgeExpiredDeletes()).toBe(1);
    const count = store.opened.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    expect(count.n).toBe(2);
  });
});

describe('messages and streaming', () => {
  it('creates the reply row as streaming before the first token, flushes, and finishes', () => {
    const { id } = store.repo.createConversation();
    const user = store.repo.addUserMessage(id, null, 'hello');
    const reply = store.repo.beginAssistantMessage(id, user.id, 'gpt-4o');
    expect(reply).toMatchObject({ status: 'streaming', content: '', model: 'gpt-4o', parentId: user.id });
    store.repo.appendOrFlush(reply.id, { content: 'Hel', reasoning: 'thinking' });
    expect(store.repo.getMessage(reply.id)).toMatchObject({
      content: 'Hel',
      reasoning: 'thinking',
      status: 'streaming',
    });
    const done = store.repo.finishMessage(reply.id, {
      status: 'complete',
      content: 'Hello!',
      usage: { promptTokens: 3, completionTokens: 2 },
      timeToFirstTokenMs: 120,
      durationMs: 900,
    });
    expect(done).toMatchObject({
      status: 'complete',
      content: 'Hello!',
      reasoning: 'thinking',
      usage: { promptTokens: 3, completionTokens: 2 },
      timeToFirstTokenMs: 120,
      durationMs: 900,
      error: null,
    });
    // A late flush after finishing must not overwrite the final text.
    store.repo.appendOrFlush(reply.id, { content: 'Hel' });
    expect(store.repo.getMessage(reply.id).content).toBe('Hello!');
  });

  it('keeps an error with its code', () => {
    const { id } = store.repo.createConversation();
    const user = store.repo.addUserMessage(id, null, 'hello');
    const reply = store.repo.beginAssistantMessage(id, user.id, null);
    const failed = store.repo.finishMessage(reply.id, {
      status: 'error',
      content: 'partial',
      error: { code: 'rate_limited', message: 'Slow down' },
    });
    expect(failed.error).toEqual({ code: 'rate_limited', message: 'Slow down' });
    expect(failed.status).toBe('error');
  });

  it('marks rows still streaming as interrupted on the next start, keeping the last flush', () => {
    const { id } = store.repo.createConversation();
    const user = store.repo.addUserMessage(id, null, 'hello');
    const reply = store.repo.beginAssistantMessage(id, user.id, null);
    store.repo.appendOrFlush(reply.id, { content: 'partial answer' });
    store.close();
    const reopened = openStore(store.dir);
    try {
      expect(reopened.repo.markInterruptedOnStartup()).toBe(1);
      expect(reopened.repo.getMessage(reply.id)).toMatchObject({ status: 'interrupted', content: 'partial answer' });
      expect(reopened.repo.markInterruptedOnStartup()).toBe(0);
      // Once no longer streaming, the text is searchable.
      expect(reopened.repo.search('partial').map((hit) => hit.messageId)).toEqual([reply.id]);
    } finally {
      reopened.close();
      store = openStore(store.dir);
    }
  });

  it('resumes an interrupted reply into the same row, which flushes again', () => {
    const { id } = store.repo.createConversation();
    const user = store.repo.addUserMessage(id, null, 'hello');
    const reply = store.repo.beginAssistantMessage(id, user.id, null);
    store.repo.finishMessage(reply.id, {
      status: 'interrupted',
      content: 'half',
      error: { code: 'network', message: 'dropped' },
    });
    store.repo.appendOrFlush(reply.id, { content: 'ignored while not streaming' });
    expect(store.repo.getMessage(reply.id).content).toBe('half');
    const resumed = store.repo.resumeMessage(reply.id);
    expect(resumed).toMatchObject({ id: reply.id, status: 'streaming', content: 'half', error: null });
    store.repo.appendOrFlush(reply.id, { content: 'half and the rest' });
    expect(store.repo.getMessage(reply.id).content).toBe('half and the rest');
  });

  it('rejects a parent from another conversation', () => {
    const a = chat(1);
    const { id } = store.repo.createConversation();
    expect(codeOf(() => store.repo.addUserMessage(id, a.ids[0] ?? '', 'x'))).toBe('missing');
  });
});

describe('branches and versions', () => {
  it('regenerate and edit create versions; selecting one activates its newest leaf', () => {
    const { id } = store.repo.createConversation();
    const q = store.repo.addUserMessage(id, null, 'Q');
    const a1 = store.repo.beginAssistantMessage(id, q.id, 'm');
    store.repo.finishMessage(a1.id, { status: 'complete', content: 'A1' });
    const follow = store.repo.addUserMessage(id, a1.id, 'follow-up on A1');
    const a2 = store.repo.beginAssistantMessage(id, q.id, 'm'); // regenerate
    store.repo.finishMessage(a2.id, { status: 'complete', content: 'A2' });

    let opened = store.repo.openConversation({ conversationId: id });
    expect(opened.messages.map((m) => m.content)).toEqual(['Q', 'A2']);
    expect(opened.messages[1]).toMatchObject({ versionIndex: 2, versionCount: 2 });

    opened = store.repo.selectVersion(a1.id);
    expect(opened.messages.map((m) => m.content)).toEqual(['Q', 'A1', 'follow-up on A1']);
    expect(opened.messages[1]).toMatchObject({ versionIndex: 1, versionCount: 2, versionIds: [a1.id, a2.id] });
    expect(opened.messages[0]?.versionIds).toEqual([q.id]);
    expect(store.repo.listVersions(a2.id).map((m) => m.id)).toEqual([a1.id, a2.id]);
    expect(store.repo.buildContext(follow.id)).toEqual([
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'follow-up on A1' },
    ]);

    // Edit of the first question: a sibling root.
    const edited = store.repo.addUserMessage(id, null, 'Q edited');
    opened = store.repo.openConversation({ conversationId: id });
    expect(opened.messages.map((m) => [m.content, m.versionIndex, m.versionCount])).toEqual([['Q edited', 2, 2]]);
    expect(edited.versionCount).toBe(2);
  });

  it('pages the active branch from the newest with olderCursor', () => {
    const { conversationId, ids } = chat(5);
    const first = store.repo.openConversation({ conversationId, limit: 4 });
    expect(first.messages.map((m) => m.id)).toEqual(ids.slice(6));
    expect(first.olderCursor).toBe(ids[6]);
    const second = store.repo.openConversation({ conversationId, limit: 4, before: first.olderCursor });
    expect(second.messages.map((m) => m.id)).toEqual(ids.slice(2, 6));
    const third = store.repo.openConversation({ conversationId, limit: 4, before: second.olderCursor });
    expect(third.messages.map((m) => m.id)).toEqual(ids.slice(0, 2));
    expect(third.olderCursor).toBeNull();
    const exact = store.repo.openConversation({ conversationId, limit: 10 });
    expect(exact.messages).toHaveLength(10);
    expect(exact.olderCursor).toBeNull();
  });

  it('openAtMessage activates an inactive branch and loads the hit', () => {
    const { id } = store.repo.createConversation();
    const q = store.repo.addUserMessage(id, null, 'Q');
    const old = store.repo.beginAssistantMessage(id, q.id, 'm');
    store.repo.finishMessage(old.id, { status: 'complete', content: 'the zebra answer' });
    let parent = store.repo.beginAssistantMessage(id, q.id, 'm').id;
    for (let i = 0; i < 30; i++) parent = store.repo.addUserMessage(id, parent, `filler ${i}`).id;
    const hit = store.repo.search('zebra')[0];
    expect(hit?.messageId).toBe(old.id);
    const opened = store.repo.openAtMessage(hit?.messageId ?? '');
    expect(opened.messages.map((m) => m.id)).toEqual([q.id, old.id]);
    expect(store.repo.openConversation({ conversationId: id }).messages.at(-1)?.id).toBe(old.id);

    const filler3 = store.repo.search('filler 3').find((h) => h.snippet === 'filler 3');
    const deep = store.repo.openAtMessage(filler3?.messageId ?? '');
    expect(deep.messages.some((m) => m.content === 'filler 3')).toBe(true);
    expect(deep.messages.at(-1)?.content).toBe('filler 29');
  });

  it('deleting a message removes its subtree and falls back to the newest remaining branch', () => {
    const { id } = store.repo.createConversation();
    const q = store.repo.addUserMessage(id, null, 'Q');
    const a1 = store.repo.beginAssistantMessage(id, q.id, 'm');
    const a2 = store.repo.beginAssistantMessage(id, q.id, 'm');
    const under = store.repo.addUserMessage(id, a2.id, 'under a2');
    store.repo.deleteMessage(a2.id);
    expect(codeOf(() => store.repo.getMessage(under.id))).toBe('missing');
    const opened = store.repo.openConversation({ conversationId: id });
    expect(opened.messages.map((m) => [m.id, m.versionCount])).toEqual([
      [q.id, 1],
      [a1.id, 1],
    ]);
    store.repo.deleteMessage(q.id);
    expect(store.repo.openConversation({ conversationId: id }).messages).toEqual([]);
  });

  it('deletes a long chain in one go, past SQLite trigger recursion limits', () => {
    const { conversationId, ids } = chat(1);
    const insert = store.opened.db.prepare(
      "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at) VALUES (?, ?, ?, 'user', 'x', 'complete', 0)",
    );
    store.opened.db.transaction(() => {
      let parent = ids[1] ?? '';
      for (let i = 0; i < 1500; i++) {
        insert.run(`chain-${i}`, conversationId, parent);
        parent = `chain-${i}`;
      }
    })();
    expect(store.repo.buildContext('chain-1499')).toHaveLength(1502);
    store.repo.deleteMessage(ids[0] ?? '');
    const count = store.opened.db
      .prepare('SELECT count(*) AS n FROM messages WHERE conversation_id = ?')
      .get(conversationId) as {
      n: number;
    };
    expect(count.n).toBe(0);
  });
});

describe('turns', () => {
  /** Everything a refused turn could have touched: rows, titles, active branches, times. */
  function snapshot(): unknown {
    return {
      conversations: store.opened.db
        .prepare('SELECT id, title, updated_at, active_leaf_id FROM conversations ORDER BY id')
        .all(),
      messages: store.opened.db.prepare('SELECT id, status, content, error_code FROM messages ORDER BY id').all(),
    };
  }

  it('send starts a new conversation with the question and a streaming reply, in one go', () => {
    const turn = store.repo.beginTurn({
      conversationId: null,
      newConversation: { providerId: 'p1', model: 'm1' },
      mode: 'send',
      content: 'What is a river?\nAsked twice.',
      model: 'm1',
    });
    expect(turn.created).toBe(true);
    expect(turn.conversation).toMatchObject({ title: 'What is a river?', providerId: 'p1', model: 'm1' });
    expect(turn.userMessage).toMatchObject({ role: 'user', parentId: null, content: 'What is a river?\nAsked twice.' });
    expect(turn.reply).toMatchObject({ role: 'assistant', status: 'streaming', parentId: turn.userMessage?.id });
    expect(turn.context).toEqual([{ role: 'user', content: 'What is a river?\nAsked twice.' }]);
    expect(store.repo.openConversation({ conversationId: turn.conversation.id }).messages.map((m) => m.id)).toEqual([
      turn.userMessage?.id,
      turn.reply.id,
    ]);
  });

  it('send follows the active branch; edit, regenerate and continue replace what each mode says', () => {
    const { conversationId, ids } = chat(2);
    const [q0, a0, q1, a1] = ids as [string, string, string, string];
    const base = { conversationId, content: '', model: 'm2' } as const;

    const sent = store.repo.beginTurn({ ...base, mode: 'send', content: 'third question' });
    expect(sent.created).toBe(false);
    expect(sent.userMessage?.parentId).toBe(a1);
    expect(sent.context.map((turn) => turn.content)).toEqual([
      'question 0',
      'answer 0',
      'question 1',
      'answer 1',
      'third question',
    ]);
    store.repo.finishMessage(sent.reply.id, { status: 'complete', content: 'third answer' });

    // Edit: a new version of question 1, beside it, answered afresh.
    const edited = store.repo.beginTurn({ ...base, mode: 'edit', content: 'question 1, better', targetMessageId: q1 });
    expect(edited.userMessage).toMatchObject({ parentId: a0, versionIndex: 2, versionCount: 2 });
    expect(edited.reply.parentId).toBe(edited.userMessage?.id);
    expect(edited.context.at(-1)).toEqual({ role: 'user', content: 'question 1, better' });
    store.repo.finishMessage(edited.reply.id, { status: 'complete', content: 'better answer' });

    // Regenerate a reply: a new version of it under the same question.
    const again = store.repo.beginTurn({ ...base, mode: 'regenerate', targetMessageId: a0 });
    expect(again.userMessage).toBeNull();
    expect(again.reply).toMatchObject({ parentId: q0, model: 'm2', versionIndex: 2, versionCount: 2 });
    expect(again.context).toEqual([{ role: 'user', content: 'question 0' }]);
    store.repo.finishMessage(again.reply.id, { status: 'complete', content: 'answer 0, again' });

    // Regenerate a question: it is answered again.
    const answered = store.repo.beginTurn({ ...base, mode: 'regenerate', targetMessageId: q0 });
    expect(answered.reply.parentId).toBe(q0);
    store.repo.finishMessage(answered.reply.id, { status: 'interrupted', content: 'cut o' });

    // Continue: the cut-off reply itself streams again and becomes the active branch.
    const continued = store.repo.beginTurn({ ...base, mode: 'continue', targetMessageId: answered.reply.id });
    expect(continued.reply).toMatchObject({ id: answered.reply.id, status: 'streaming', content: 'cut o' });
    expect(continued.context).toEqual([
      { role: 'user', content: 'question 0' },
      { role: 'assistant', content: 'cut o' },
    ]);
    expect(store.repo.openConversation({ conversationId }).messages.at(-1)?.id).toBe(answered.reply.id);
  });

  it.each([
    ['a blank send', { mode: 'send', content: ' \n\t' }, 'invalid_request'],
    ['a blank edit', { mode: 'edit', content: '  ', target: 'question' }, 'invalid_request'],
    ['an edit of a reply', { mode: 'edit', content: 'x', target: 'reply' }, 'invalid_request'],
    ['a regenerate without a target', { mode: 'regenerate' }, 'invalid_request'],
    ['a regenerate of a message that is gone', { mode: 'regenerate', target: 'gone' }, 'missing'],
    ['a regenerate of another conversation’s reply', { mode: 'regenerate', target: 'elsewhere' }, 'invalid_request'],
    ['a continue of a question', { mode: 'continue', target: 'question' }, 'invalid_request'],
    ['a continue without a target', { mode: 'continue' }, 'invalid_request'],
  ] as const)('refuses %s and writes nothing', (_name, turn, code) => {
    const { conversationId, ids } = chat(1);
    const elsewhere = chat(1).ids[1] ?? '';
    const targets = { question: ids[0], reply: ids[1], gone: 'no-such-message', elsewhere };
    const target = 'target' in turn ? targets[turn.target] : undefined;
    const before = snapshot();
    for (const into of [conversationId, null]) {
      const refused = codeOf(() =>
        store.repo.beginTurn({
          conversationId: into,
          mode: turn.mode,
          content: 'content' in turn ? turn.content : '',
          targetMessageId: target,
          model: 'm',
        }),
      );
      // Into a new conversation the same turn is refused too (a target there is in another conversation).
      expect(refused, into ?? 'a new conversation').toBe(code);
      expect(snapshot()).toEqual(before);
    }
  });

  it('refuses a turn into a conversation that is gone', () => {
    const { conversationId } = chat(1);
    store.repo.deleteConversation(conversationId);
    const before = snapshot();
    expect(codeOf(() => store.repo.beginTurn({ conversationId, mode: 'send', content: 'hi', model: 'm' }))).toBe(
      'missing',
    );
    expect(snapshot()).toEqual(before);
  });

  it('writes all of a turn or none of it: a failing reply row takes the new conversation and question with it', () => {
    const before = snapshot();
    store.opened.db.exec(
      `CREATE TEMP TRIGGER refuse_replies BEFORE INSERT ON messages WHEN new.role = 'assistant'
       BEGIN SELECT RAISE(ABORT, 'no room for the reply'); END`,
    );
    expect(() =>
      store.repo.beginTurn({ conversationId: null, mode: 'send', content: 'Will this be kept?', model: 'm' }),
    ).toThrow(/no room for the reply/);
    expect(snapshot()).toEqual(before);
    store.opened.db.exec('DROP TRIGGER refuse_replies');
    expect(store.repo.beginTurn({ conversationId: null, mode: 'send', content: 'And now?', model: 'm' }).created).toBe(
      true,
    );
  });
});
