import { beforeEach, describe, expect, it } from 'vitest';
import { useFreshStore, openStore, type TestStore } from '../history/testSupport';
import { readChatGptEntry } from './chatGpt';
import { buildChatGptExport, FIXTURE_EVERY } from './fixtures/chatGptExport';
import { databaseDigest, importFailure, importInto } from './testSupport';

const fresh = useFreshStore();
let store: TestStore;
beforeEach(() => {
  store = fresh.current;
});

type Json = Record<string, unknown>;

const node = (id: string, parent: string | null, children: string[], message: Json | null): Json => ({
  id,
  parent,
  children,
  message,
});

/** A message as ChatGPT writes it, with the fields real exports carry (most of them null). */
const msg = (id: string, role: string, parts: unknown[], time: number | null, extra: Json = {}): Json => ({
  id,
  author: { role, name: null, metadata: {} },
  create_time: time,
  update_time: null,
  content: { content_type: 'text', parts },
  status: 'finished_successfully',
  end_turn: role === 'assistant' ? true : null,
  weight: 1,
  metadata: role === 'assistant' ? { model_slug: 'gpt-4o', finish_details: { type: 'stop' } } : {},
  recipient: 'all',
  channel: null,
  ...extra,
});

const conversation = (
  id: string,
  title: string | null,
  mapping: Json,
  currentNode: string | null,
  extra: Json = {},
) => ({
  title,
  create_time: 1_700_000_000.5,
  update_time: 1_700_000_900.25,
  mapping,
  moderation_results: [],
  current_node: currentNode,
  plugin_ids: null,
  conversation_id: id,
  conversation_template_id: null,
  gizmo_id: null,
  is_archived: false,
  safe_urls: [],
  default_model_slug: 'gpt-4o',
  id,
  ...extra,
});

/** A small chat: hidden system root, a question, an answer. */
function simpleChat(id: string, title: string | null, question: string, answer: string, time = 1_700_000_001) {
  return conversation(
    id,
    title,
    {
      root: node('root', null, ['sys'], null),
      sys: node('sys', 'root', ['q'], {
        ...msg('sys', 'system', [''], null),
        metadata: { is_visually_hidden_from_conversation: true },
      }),
      q: node('q', 'sys', ['a'], msg('q', 'user', [question], time)),
      a: node('a', 'q', [], msg('a', 'assistant', [answer], time + 1)),
    },
    'a',
  );
}

function activeBranch(title: string) {
  const summary = store.repo.listConversations().items.find((item) => item.title === title);
  if (!summary) throw new Error(`no conversation titled ${title}`);
  return store.repo.openConversation({ conversationId: summary.id });
}

const shown = (title: string) => activeBranch(title).messages.map((m) => [m.role, m.content]);

describe('ChatGPT import: which entries are conversations', () => {
  it('skips and names an entry without mapping, and imports every other one', async () => {
    const report = await importInto(store, [
      simpleChat('c1', 'First', 'Hello', 'Hi there'),
      { title: 'Archived stub', create_time: 1_700_000_000, update_time: null, id: 'c2', conversation_id: 'c2' },
      simpleChat('c3', 'Third', 'Again', 'Yes'),
    ]);
    expect(report).toEqual({
      cancelled: false,
      conversationsAdded: 2,
      messagesAdded: 4,
      alreadyPresent: 0,
      skipped: [{ name: 'Archived stub', reason: 'no_mapping' }],
      skippedCount: 1,
    });
    expect(
      store.repo
        .listConversations()
        .items.map((c) => c.title)
        .sort(),
    ).toEqual(['First', 'Third']);
  });

  it('names every corrupt conversation: a cycle off the current path, no id, not an object, nothing to show', async () => {
    const looped = simpleChat('c-loop', 'Loops back', 'Q', 'A');
    // x → y → x, far from the current branch q → a.
    Object.assign(looped.mapping as Json, {
      x: node('x', 'y', ['y'], msg('x', 'user', ['orphan'], 1)),
      y: node('y', 'x', ['x'], msg('y', 'assistant', ['orphan reply'], 2)),
    });
    const secondLoop = simpleChat('c-loop-2', null, 'Q2', 'A2');
    (secondLoop.mapping as Json)['q'] = node('q', 'a', ['a'], msg('q', 'user', ['Q2'], 1));
    const noId = { ...simpleChat('x', 'No id at all', 'Q', 'A'), id: undefined, conversation_id: null };
    const onlySystem = conversation('c-empty', 'Only a system node', { root: node('root', null, [], null) }, 'root');

    const report = await importInto(store, [
      looped,
      simpleChat('ok', 'Fine', 'Q', 'A'),
      secondLoop,
      noId,
      42,
      onlySystem,
    ]);
    expect(report.conversationsAdded).toBe(1);
    expect(report.skipped).toEqual([
      { name: 'Loops back', reason: 'cycle' },
      { name: 'c-loop-2', reason: 'cycle' },
      { name: 'No id at all', reason: 'no_id' },
      { name: '#5', reason: 'not_a_conversation' },
      { name: 'Only a system node', reason: 'no_messages' },
    ]);
    expect(report.skippedCount).toBe(5);
    expect(shown('Fine')).toEqual([
      ['user', 'Q'],
      ['assistant', 'A'],
    ]);
  });
});

describe('ChatGPT import: which nodes are messages', () => {
  it('keeps analysis and commentary text as the reply’s reasoning, never as a message', async () => {
    const chat = conversation(
      'c-reason',
      'Reasoning',
      {
        root: node('root', null, ['q'], null),
        q: node('q', 'root', ['think'], msg('q', 'user', ['Plan a trip'], 10)),
        think: node('think', 'q', ['thoughts'], {
          ...msg('think', 'assistant', ['Let me look at the dates first.'], 11),
          channel: 'commentary',
        }),
        thoughts: node('thoughts', 'think', ['recap'], {
          ...msg('thoughts', 'assistant', [], 12),
          content: {
            content_type: 'thoughts',
            thoughts: [{ summary: 'Weighing options', content: 'Kyoto in spring is busy.', finished: true }],
            source_analysis_msg_id: null,
          },
        }),
        recap: node('recap', 'thoughts', ['analysis'], {
          ...msg('recap', 'assistant', [], 13),
          content: { content_type: 'reasoning_recap', content: 'Thought for 8s' },
        }),
        analysis: node('analysis', 'recap', ['final'], {
          ...msg('analysis', 'assistant', ['Budget is moderate.'], 14),
          channel: 'analysis',
        }),
        final: node('final', 'analysis', [], {
          ...msg('final', 'assistant', ['Go to Kyoto in May.'], 15),
          channel: 'final',
        }),
      },
      'final',
    );
    await importInto(store, [chat]);
    const { messages } = activeBranch('Reasoning');
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Plan a trip'],
      ['assistant', 'Go to Kyoto in May.'],
    ]);
    expect(messages[1]?.reasoning).toBe(
      'Let me look at the dates first.\n\nWeighing options\nKyoto in spring is busy.\n\nBudget is moderate.',
    );
    expect(messages[1]?.parentId).toBe(messages[0]?.id);
  });

  it('keeps a photo-only user message with a placeholder naming it, so replies still alternate', async () => {
    const image = (id: string) => ({
      content_type: 'image_asset_pointer',
      asset_pointer: `file-service://${id}`,
      size_bytes: 123456,
      width: 1024,
      height: 768,
      fovea: null,
      metadata: null,
    });
    const chat = conversation(
      'c-photo',
      'Photos',
      {
        root: node('root', null, ['q1'], null),
        q1: node('q1', 'root', ['a1'], msg('q1', 'user', ['What is this plant?'], 1)),
        a1: node('a1', 'q1', ['photo'], msg('a1', 'assistant', ['Send a photo.'], 2)),
        photo: node('photo', 'a1', ['a2'], {
          ...msg('photo', 'user', [image('file-abc')], 3),
          content: { content_type: 'multimodal_text', parts: [image('file-abc')] },
          metadata: { attachments: [{ id: 'file-abc', name: 'IMG_2041.jpeg', mime_type: 'image/jpeg' }] },
        }),
        a2: node('a2', 'photo', ['both'], msg('a2', 'assistant', ['A monstera.'], 4)),
        both: node('both', 'a2', ['a3'], {
          ...msg('both', 'user', [], 5),
          content: { content_type: 'multimodal_text', parts: [image('file-unnamed'), 'And this one?'] },
          metadata: { attachments: [{ id: 'report-1', name: 'care.pdf', mime_type: 'application/pdf' }] },
        }),
        a3: node('a3', 'both', [], msg('a3', 'assistant', ['A fern.'], 6)),
      },
      'a3',
    );
    await importInto(store, [chat]);
    expect(shown('Photos')).toEqual([
      ['user', 'What is this plant?'],
      ['assistant', 'Send a photo.'],
      ['user', '[image: IMG_2041.jpeg]'],
      ['assistant', 'A monstera.'],
      ['user', '[image] [file: care.pdf]\n\nAnd this one?'],
      ['assistant', 'A fern.'],
    ]);
  });

  it('takes recipient null and "all" as the chat, other recipients as tool calls; excludes hidden, system and tool nodes', async () => {
    const chat = conversation(
      'c-tools',
      'Tools',
      {
        root: node('root', null, ['sys'], null),
        sys: node('sys', 'root', ['ctx'], msg('sys', 'system', ['You are ChatGPT.'], null)),
        ctx: node('ctx', 'sys', ['q'], {
          ...msg('ctx', 'user', ['Custom instructions: be brief'], 1),
          metadata: { is_visually_hidden_from_conversation: true },
        }),
        q: node('q', 'ctx', ['call'], { ...msg('q', 'user', ['Weather in Osaka?'], 2), recipient: null }),
        call: node('call', 'q', ['out'], {
          ...msg('call', 'assistant', [], 3),
          recipient: 'browser',
          content: { content_type: 'code', language: 'unknown', text: 'search("Osaka weather")' },
        }),
        out: node('out', 'call', ['a'], {
          ...msg('out', 'tool', ['Sunny, 24°C'], 4),
          author: { role: 'tool', name: 'browser', metadata: {} },
        }),
        a: node('a', 'out', [], { ...msg('a', 'assistant', ['Sunny and 24°C.'], 5), recipient: null }),
      },
      'a',
    );
    await importInto(store, [chat]);
    expect(shown('Tools')).toEqual([
      ['user', 'Weather in Osaka?'],
      ['assistant', 'Sunny and 24°C.'],
    ]);
  });

  it('keeps Japanese and emoji text byte for byte, parts joined with a line break', async () => {
    const text = '日本語のテキスト 🍣🇯🇵 👩‍👩‍👧 e\u0301\n  indented\ttab  ';
    const chat = conversation(
      'c-ja',
      '寿司 🍣',
      {
        root: node('root', null, ['q'], null),
        q: node('q', 'root', ['a'], msg('q', 'user', [text], 1)),
        a: node('a', 'q', [], {
          ...msg('a', 'assistant', [], 2),
          content: { content_type: 'multimodal_text', parts: ['はい、', null, { unknown: true }, '絵文字 😀'] },
        }),
      },
      'a',
    );
    // importInto feeds 97-byte chunks, so several multi-byte characters are split across reads.
    await importInto(store, [chat]);
    const [question, answer] = activeBranch('寿司 🍣').messages;
    expect(Buffer.from(question?.content ?? '')).toEqual(Buffer.from(text));
    expect(answer?.content).toBe('はい、\n絵文字 😀');
    expect(store.repo.search('テキスト').map((hit) => hit.messageId)).toEqual([question?.id]);
  });
});

describe('ChatGPT import: branches, titles, times', () => {
  const regenerated = (currentNode: string | null, extra: Json = {}) =>
    conversation(
      'c-regen',
      'Regenerated',
      {
        root: node('root', null, ['q'], null),
        q: node('q', 'root', ['a1', 'a2', 'a3'], msg('q', 'user', ['Name a colour'], 1)),
        a1: node('a1', 'q', ['f1'], msg('a1', 'assistant', ['Red'], 2)),
        f1: node('f1', 'a1', [], msg('f1', 'user', ['Why red?'], 3)),
        a2: node('a2', 'q', [], msg('a2', 'assistant', ['Blue'], 10)),
        a3: node('a3', 'q', [], msg('a3', 'assistant', ['Green'], 5)),
      },
      currentNode,
      extra,
    );

  it('keeps regenerated answers as versions, ordered by time, with current_node’s branch active', async () => {
    await importInto(store, [regenerated('f1')]);
    const { messages } = activeBranch('Regenerated');
    expect(messages.map((m) => [m.content, m.versionIndex, m.versionCount])).toEqual([
      ['Name a colour', 1, 1],
      ['Red', 1, 3],
      ['Why red?', 1, 1],
    ]);
    expect(store.repo.listVersions(messages[1]!.id).map((m) => m.content)).toEqual(['Red', 'Green', 'Blue']);
  });

  it('uses the newest leaf when current_node is null or names no node', async () => {
    await importInto(store, [regenerated(null)]);
    expect(shown('Regenerated').map(([, content]) => content)).toEqual(['Name a colour', 'Blue']);
    const other = openStore();
    try {
      await importInto(other, [regenerated('gone-node')]);
      const [summary] = other.repo.listConversations().items;
      const opened = other.repo.openConversation({ conversationId: summary!.id });
      expect(opened.messages.map((m) => m.content)).toEqual(['Name a colour', 'Blue']);
    } finally {
      other.close();
    }
  });

  it('derives a blank title from the first user message, and keeps times and the model', async () => {
    const chat = simpleChat('c-untitled', '   ', 'How do I bake\nsourdough bread?', 'Slowly.');
    await importInto(store, [chat]);
    const [summary] = store.repo.listConversations().items;
    expect(summary).toMatchObject({
      title: 'How do I bake',
      createdAt: 1_700_000_000_500,
      updatedAt: 1_700_000_900_250,
      model: 'gpt-4o',
    });
    const { messages } = store.repo.openConversation({ conversationId: summary!.id });
    expect(messages.map((m) => [m.createdAt, m.model])).toEqual([
      [1_700_000_001_000, null],
      [1_700_000_002_000, 'gpt-4o'],
    ]);
  });

  it('keeps a reply the user stopped, or one never finished, marked as such', async () => {
    const chat = conversation(
      'c-stopped',
      'Stopped',
      {
        q: node('q', null, ['a', 'b'], msg('q', 'user', ['Write an essay'], 1)),
        a: node('a', 'q', [], {
          ...msg('a', 'assistant', ['The history of'], 2),
          metadata: { model_slug: 'o3', finish_details: { type: 'interrupted' } },
        }),
        b: node('b', 'q', [], { ...msg('b', 'assistant', ['Essays are'], 3), status: 'in_progress' }),
      },
      'a',
    );
    await importInto(store, [chat]);
    const { messages } = activeBranch('Stopped');
    expect(messages[1]).toMatchObject({ content: 'The history of', status: 'cancelled', model: 'o3' });
    expect(store.repo.listVersions(messages[1]!.id).map((m) => m.status)).toEqual(['cancelled', 'interrupted']);
  });

  it('takes nulls anywhere and ignores fields it does not know', () => {
    const chat = {
      title: null,
      create_time: null,
      update_time: null,
      current_node: null,
      conversation_id: 'c-null',
      something_new: { nested: [1, 2, 3] },
      mapping: {
        a: { id: 'a', parent: null, children: null, message: null, extra: true },
        b: {
          id: 'b',
          parent: 'a',
          children: [],
          message: {
            id: 'b',
            author: { role: 'user', name: null, metadata: null },
            create_time: null,
            content: { content_type: 'text', parts: ['Only question'] },
            metadata: null,
            recipient: null,
            channel: null,
            status: null,
          },
        },
        c: null,
        d: { id: 'd', parent: 'b', message: { author: null, content: null } },
      },
    };
    const outcome = readChatGptEntry(chat, 0, 1_750_000_000_000);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.conversation).toMatchObject({
      title: 'Only question',
      createdAt: 1_750_000_000_000,
      updatedAt: 1_750_000_000_000,
      model: null,
      activeLeafSourceId: 'b',
    });
    expect(outcome.conversation.messages.map((m) => [m.role, m.content, m.createdAt])).toEqual([
      ['user', 'Only question', 1_750_000_000_000],
    ]);
  });
});

describe('ChatGPT import: whole-file rules', () => {
  function seed() {
    const existing = store.repo.createConversation({ title: 'Already here' });
    store.repo.addUserMessage(existing.id, null, 'Keep me 日本語');
    store.drafts.set('new', { text: 'a draft' });
    return databaseDigest(store.opened.db);
  }

  it('refuses a truncated file, a top-level object, a scalar, an empty file, and a list of non-conversations, changing nothing', async () => {
    const before = seed();
    const text = JSON.stringify([simpleChat('a', 'A', 'Q', 'A'), simpleChat('b', 'B', 'Q', 'A')]);
    for (const bad of [
      text.slice(0, Math.floor(text.length * 0.8)),
      '{"hello": 1}',
      '42',
      '',
      '  \n',
      '[1, 2, 3]',
      '[{"a":1}] x',
    ]) {
      const failure = await importFailure(store, bad);
      expect(failure.code, bad.slice(0, 30)).toBe('import_invalid');
      expect(databaseDigest(store.opened.db)).toBe(before);
    }
    expect((await importFailure(store, text.slice(0, -1))).message).toMatch(/not valid JSON/);
    expect((await importFailure(store, '{"hello": 1}')).message).toMatch(/neither a Nagare export nor a ChatGPT/);
  });

  it('leaves the database exactly as it was when cancelled half-way', async () => {
    const before = seed();
    const many = Array.from({ length: 40 }, (_, index) =>
      simpleChat(`c${index}`, `Chat ${index}`, `Q${index}`, 'A'.repeat(500)),
    );
    let entriesSeen = 0;
    const report = await importInto(store, many, {
      onProgress: () => undefined,
      isCancelled: () => ++entriesSeen > 60,
    });
    expect(report).toMatchObject({ cancelled: true, conversationsAdded: 0, messagesAdded: 0 });
    expect(databaseDigest(store.opened.db)).toBe(before);
    // Rows were written before the cancel (hidden), and are gone again.
    expect(entriesSeen).toBeGreaterThan(60);
  });

  it('leaves the database as it was when the disk fills up during the import', async () => {
    const before = seed();
    const pages = (store.opened.db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    store.opened.db.exec(`PRAGMA max_page_count = ${pages + 20}`);
    const big = Array.from({ length: 30 }, (_, index) =>
      simpleChat(`d${index}`, `Big ${index}`, 'Q', 'x'.repeat(20_000)),
    );
    const failure = await importFailure(store, big);
    expect(failure.code).toBe('storage');
    store.opened.db.exec('PRAGMA max_page_count = 1073741823');
    expect(databaseDigest(store.opened.db)).toBe(before);
  });

  it('adds nothing when the same file is imported again', async () => {
    const file = [simpleChat('a', 'A', 'Q', 'A'), simpleChat('b', 'B', 'Q', 'A'), simpleChat('a', 'A again', 'Q', 'A')];
    expect(await importInto(store, file)).toMatchObject({ conversationsAdded: 2, alreadyPresent: 1 });
    const digest = databaseDigest(store.opened.db);
    expect(await importInto(store, file, { importId: 'second' })).toMatchObject({
      conversationsAdded: 0,
      messagesAdded: 0,
      alreadyPresent: 3,
    });
    expect(databaseDigest(store.opened.db)).toBe(digest);
  });
});

describe('ChatGPT import of a realistic export', () => {
  it('imports every usable conversation as alternating turns, and names exactly the damaged ones', async () => {
    const count = 70;
    const file = buildChatGptExport({ conversations: count, seed: 3 });
    const report = await importInto(store, file, { batchBytes: 16 * 1024 });
    const isEvery = (every: number) => (index: number) => index % every === every - 1;
    const stubs = [...Array(count).keys()].filter(isEvery(FIXTURE_EVERY.noMapping));
    const loops = [...Array(count).keys()].filter((i) => isEvery(FIXTURE_EVERY.cycle)(i) && !stubs.includes(i));
    expect(report.skipped.map((s) => s.reason).sort()).toEqual(
      [...loops.map(() => 'cycle'), ...stubs.map(() => 'no_mapping')].sort(),
    );
    expect(report.conversationsAdded).toBe(count - stubs.length - loops.length);

    for (const summary of store.repo.listConversations({ limit: 500 }).items) {
      const { messages } = store.repo.openConversation({ conversationId: summary.id, limit: 1000 });
      expect(messages.length).toBeGreaterThan(0);
      messages.forEach((message, index) => {
        expect(message.role).toBe(index % 2 === 0 ? 'user' : 'assistant');
        expect(message.content.trim()).not.toBe('');
        expect(message.content).not.toMatch(/^(loop|Thought for 12s|search\()/);
      });
      expect(summary.title).not.toBe('');
    }
  });
});
