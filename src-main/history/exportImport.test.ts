import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryError } from './errors';
import type { NagareExport } from './exportImport';
import { openStore, removeTempDirs, type TestStore } from './testSupport';

let store: TestStore;
beforeEach(() => {
  store = openStore();
});
afterEach(() => {
  store.close();
  removeTempDirs();
});

function importError(text: string): HistoryError | null {
  try {
    store.repo.importText(text);
    return null;
  } catch (error) {
    return error as HistoryError;
  }
}

function tableCounts() {
  const db = store.opened.db;
  return {
    conversations: (db.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n,
    messages: (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n,
  };
}

const node = (
  id: string,
  parent: string | null,
  children: string[],
  message: Record<string, unknown> | null,
): Record<string, unknown> => ({ id, parent, children, message });

const msg = (id: string, role: string, text: string, time: number, extra: Record<string, unknown> = {}) => ({
  id,
  author: { role, name: null, metadata: {} },
  create_time: time,
  update_time: null,
  content: { content_type: 'text', parts: [text] },
  status: 'finished_successfully',
  end_turn: true,
  weight: 1,
  metadata: role === 'assistant' ? { model_slug: 'gpt-4o' } : {},
  recipient: 'all',
  ...extra,
});

/** A ChatGPT `conversations.json` in its documented shape, with a regenerated answer and hidden nodes. */
const chatGptExport = [
  {
    title: 'Sourdough help',
    create_time: 1_700_000_000.5,
    update_time: 1_700_000_500.25,
    conversation_id: 'conv-chatgpt-1',
    id: 'conv-chatgpt-1',
    current_node: 'a2',
    default_model_slug: 'gpt-4o',
    mapping: {
      root: node('root', null, ['sys'], null),
      sys: node('sys', 'root', ['u1'], {
        ...msg('sys', 'system', '', 1_700_000_000),
        metadata: { is_visually_hidden_from_conversation: true },
      }),
      u1: node(
        'u1',
        'sys',
        ['a1', 'tool-call'],
        msg('u1', 'user', 'How do I start a sourdough starter?', 1_700_000_001),
      ),
      a1: node('a1', 'u1', [], msg('a1', 'assistant', 'Mix flour and water.', 1_700_000_002)),
      'tool-call': node('tool-call', 'u1', ['tool-out'], {
        ...msg('tool-call', 'assistant', 'search("starter")', 1_700_000_003),
        recipient: 'browser',
        content: { content_type: 'code', text: 'search("starter")' },
      }),
      'tool-out': node('tool-out', 'tool-call', ['a2'], msg('tool-out', 'tool', 'results', 1_700_000_004)),
      a2: node(
        'a2',
        'tool-out',
        [],
        msg('a2', 'assistant', 'Combine equal weights of flour and water daily.', 1_700_000_005),
      ),
    },
  },
  {
    title: 'Second',
    create_time: 1_700_001_000,
    update_time: 1_700_001_000,
    id: 'conv-chatgpt-2',
    current_node: 'b1',
    mapping: {
      r: node('r', null, ['q'], null),
      q: node('q', 'r', ['b1'], msg('q', 'user', '日本語で答えて', 1_700_001_001)),
      b1: node('b1', 'q', [], {
        ...msg('b1', 'assistant', '', 1_700_001_002),
        content: { content_type: 'multimodal_text', parts: ['はい、', { asset: 'x' }, '日本語です。'] },
      }),
    },
  },
];

describe('ChatGPT import', () => {
  it('turns the mapping tree into branches, skipping hidden, system and tool nodes', () => {
    const report = store.repo.importText(JSON.stringify(chatGptExport));
    expect(report).toEqual({ conversationsAdded: 2, messagesAdded: 5, skippedDuplicates: 0 });
    const list = store.repo.listConversations().items;
    expect(list.map((c) => c.title)).toEqual(['Second', 'Sourdough help']);
    const sourdough = list[1];
    expect(sourdough).toMatchObject({ createdAt: 1_700_000_000_500, updatedAt: 1_700_000_500_250, model: 'gpt-4o' });

    const opened = store.repo.openConversation({ conversationId: sourdough?.id ?? '' });
    expect(opened.messages.map((m) => [m.role, m.content, m.versionIndex, m.versionCount])).toEqual([
      ['user', 'How do I start a sourdough starter?', 1, 1],
      ['assistant', 'Combine equal weights of flour and water daily.', 2, 2],
    ]);
    expect(opened.messages[0]?.parentId).toBeNull();
    expect(opened.messages[1]?.model).toBe('gpt-4o');
    expect(opened.messages[1]?.createdAt).toBe(1_700_000_005_000);
    const versions = store.repo.listVersions(opened.messages[1]?.id ?? '');
    expect(versions.map((m) => m.content)).toEqual([
      'Mix flour and water.',
      'Combine equal weights of flour and water daily.',
    ]);

    const second = store.repo.openConversation({ conversationId: list[0]?.id ?? '' });
    expect(second.messages.map((m) => m.content)).toEqual(['日本語で答えて', 'はい、\n日本語です。']);
    expect(store.repo.search('日本語です').map((h) => h.messageId)).toEqual([second.messages[1]?.id]);
  });

  it('adds nothing when the same file is imported twice', () => {
    store.repo.importText(JSON.stringify(chatGptExport));
    const before = tableCounts();
    expect(store.repo.importText(JSON.stringify(chatGptExport))).toEqual({
      conversationsAdded: 0,
      messagesAdded: 0,
      skippedDuplicates: 2,
    });
    expect(tableCounts()).toEqual(before);
  });

  it('imports nothing from a truncated file or a file of the wrong shape', () => {
    const text = JSON.stringify(chatGptExport);
    for (const bad of [text.slice(0, Math.floor(text.length * 0.7)), '{"hello": 1}', '[{"title": "x"}]', '', 'null']) {
      const error = importError(bad);
      expect(error, bad.slice(0, 20)).toBeInstanceOf(HistoryError);
      expect(error?.toShape().code).toBe('import_invalid');
    }
    expect(tableCounts()).toEqual({ conversations: 0, messages: 0 });
  });

  it('rolls back everything when a later conversation fails mid-import', () => {
    const second = chatGptExport[1] as Record<string, unknown>;
    // Valid shape, but its messages reuse the ids of the first conversation's: caught while writing.
    const clash = {
      ...second,
      id: 'other',
      conversation_id: 'other',
      mapping: (chatGptExport[0] as { mapping: unknown }).mapping,
    };
    const error = importError(JSON.stringify([chatGptExport[0], clash]));
    expect(error?.code).toBe('import_invalid');
    expect(tableCounts()).toEqual({ conversations: 0, messages: 0 });
  });
});

describe('Nagare export and import', () => {
  function seed() {
    const conversation = store.repo.createConversation({ model: 'gpt-4o', systemPrompt: 'Be kind.' });
    const q = store.repo.addUserMessage(conversation.id, null, 'What is 2+2?');
    const a1 = store.repo.beginAssistantMessage(conversation.id, q.id, 'gpt-4o');
    store.repo.finishMessage(a1.id, { status: 'complete', content: 'Four.', usage: { totalTokens: 9 } });
    const a2 = store.repo.beginAssistantMessage(conversation.id, q.id, 'gpt-4o');
    store.repo.finishMessage(a2.id, { status: 'complete', content: '4' });
    store.streamLogs.save(a2.id, {
      request: {
        providerName: 'p',
        url: 'https://x',
        model: 'm',
        parameters: {},
        messageCount: 1,
        body: 'SECRET-BODY',
        headers: { authorization: 'Bearer sk-secret' },
      },
      response: { status: 200, headers: {} },
      metrics: {},
      entries: [],
      truncated: false,
      keyEnvVar: 'OPENAI_API_KEY',
    });
    store.drafts.set(conversation.id, 'draft text');
    return { conversation, q, a1, a2 };
  }

  it('exports all branches as versioned JSON without logs or drafts', () => {
    const { conversation, a2 } = seed();
    const text = store.repo.exportText(conversation.id, 'json');
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('draft text');
    const file = JSON.parse(text) as NagareExport;
    expect(file).toMatchObject({ format: 'nagare', version: 1 });
    expect(typeof file.exportedAt).toBe('number');
    expect(file.conversations).toHaveLength(1);
    expect(file.conversations[0]).toMatchObject({ id: conversation.id, systemPrompt: 'Be kind.', activeLeafId: a2.id });
    expect(file.conversations[0]?.messages.map((m) => [m.content, m.parentId === null])).toEqual([
      ['What is 2+2?', true],
      ['Four.', false],
      ['4', false],
    ]);
  });

  it('exports readable Markdown of the active branch', () => {
    const { conversation } = seed();
    const markdown = store.repo.exportText(null, 'markdown');
    expect(markdown).toContain('# What is 2+2?');
    expect(markdown).toMatch(/\*\*You\*\* · 2025-01-01 00:00 UTC\n\nWhat is 2\+2\?/);
    expect(markdown).toMatch(/\*\*Assistant\*\* · gpt-4o · 2025-01-01 00:00 UTC\n\n4\n/);
    expect(markdown).not.toContain('Four.');
    expect(markdown).toContain('Be kind.');
    expect(markdown).not.toContain('SECRET');
    expect(() => store.repo.exportText('missing-id', 'markdown')).toThrow(HistoryError);
    expect(conversation.id).toBeTruthy();
  });

  it('round-trips into another database with branches and the active version, once', () => {
    seed();
    const text = store.repo.exportText(null, 'json');
    const other = openStore();
    try {
      expect(other.repo.importText(text)).toEqual({ conversationsAdded: 1, messagesAdded: 3, skippedDuplicates: 0 });
      const [summary] = other.repo.listConversations().items;
      const opened = other.repo.openConversation({ conversationId: summary?.id ?? '' });
      expect(opened.conversation.systemPrompt).toBe('Be kind.');
      expect(opened.messages.map((m) => [m.content, m.versionIndex, m.versionCount])).toEqual([
        ['What is 2+2?', 1, 1],
        ['4', 2, 2],
      ]);
      expect(opened.messages[1]?.usage).toBeNull();
      expect(other.repo.listVersions(opened.messages[1]?.id ?? '')[0]?.usage).toEqual({ totalTokens: 9 });
      expect(other.repo.importText(text).skippedDuplicates).toBe(1);
    } finally {
      other.close();
    }
    // Importing into the database it came from adds nothing either.
    expect(store.repo.importText(text)).toEqual({ conversationsAdded: 0, messagesAdded: 0, skippedDuplicates: 1 });
  });

  it('rejects newer versions, dangling parents and loops', () => {
    seed();
    const file = JSON.parse(store.repo.exportText(null, 'json')) as NagareExport;
    const fresh = openStore();
    try {
      const attempt = (value: unknown) => {
        try {
          fresh.repo.importText(JSON.stringify(value));
          return 'imported';
        } catch (error) {
          return (error as HistoryError).code;
        }
      };
      expect(attempt({ ...file, version: 2 })).toBe('import_invalid');
      const conversation = file.conversations[0];
      if (!conversation) throw new Error('no conversation');
      const [m0, m1, m2] = conversation.messages;
      if (!m0 || !m1 || !m2) throw new Error('no messages');
      const dangling = { ...conversation, messages: [m0, { ...m1, parentId: 'nowhere' }] };
      expect(attempt({ ...file, conversations: [dangling] })).toBe('import_invalid');
      const loop = { ...conversation, messages: [{ ...m0, parentId: m1.id }, m1, m2] };
      expect(attempt({ ...file, conversations: [loop] })).toBe('import_invalid');
      expect(fresh.repo.listConversations().items).toEqual([]);
    } finally {
      fresh.close();
    }
  });
});
