import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMockServer, type MockServer } from '../../e2e/fixtures/mockServer';
import type { ChatEvent } from '../../src-preload/contract/types';
import { makeIds, openStore, removeTempDirs, makeTempDir, type TestStore } from '../history/testSupport';
import { EventSink, type WindowMessenger } from '../common/EventSink';
import { ProviderRegistry, storedProvidersSchema } from '../providers/ProviderRegistry';
import type { SecretsReader } from '../secrets/SecretsService';
import { JsonFile } from '../settings/JsonFile';
import { AttachmentService } from '../attachments/AttachmentService';
import { BlobStore } from '../attachments/BlobStore';
import { extractPdfText } from '../attachments/pdfText';
import { makeTestPng } from '../attachments/testing/makeTestPng';
import { ChatCompletionClient } from './ChatCompletionClient';
import { ChatService, HISTORY_FLUSH_MS, IPC_COALESCE_MS, type ChatServiceDependencies } from './ChatService';
import type { OfferedTool } from '../mcp/McpService';
import { TOOL_STEP_LIMIT } from '../../src-preload/contract/tools';
import type { ToolsPort } from '../tools/toolRound';
import { ControlledBody, eventStreamResponse, SSE_END, sseChunk } from './testSupport';

const KEY = 'sk-test-chat-service-0123456789';

/** Collects what main would send to window 1; window 2 is "closed". */
class RecordingMessenger implements WindowMessenger {
  readonly sent: ChatEvent[] = [];
  private waiters: Array<() => void> = [];
  send(windowId: number, channel: string, payload: unknown): boolean {
    if (windowId !== 1) return false;
    if (channel === 'chat.event') this.sent.push(payload as ChatEvent);
    this.waiters.splice(0).forEach((wake) => wake());
    return true;
  }
  windowIds(): number[] {
    return [1];
  }
  /** Resolves once what was sent passes the test; checked again on every message, never on a timer. */
  async until(predicate: (events: ChatEvent[]) => boolean): Promise<void> {
    while (!predicate(this.sent)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  ended(streamId: string): ChatEvent | undefined {
    return this.sent.find((event) => event.streamId === streamId && (event.kind === 'done' || event.kind === 'error'));
  }
  text(streamId: string): string {
    return this.sent
      .filter(
        (event): event is Extract<ChatEvent, { kind: 'delta' }> =>
          event.streamId === streamId && event.kind === 'delta',
      )
      .map((event) => event.text)
      .join('');
  }
}

type Timer = ReturnType<typeof setTimeout>;

/** Timers run by hand through ChatService's timer seam: the test says when an interval has passed. */
class ManualTimers {
  private readonly pending = new Map<Timer, { callback: () => void; ms: number }>();
  private readonly waiters: Array<() => void> = [];

  readonly set = (callback: () => void, ms: number): Timer => {
    // Any unique object will do as a handle: only this class reads it.
    const handle = {} as Timer;
    this.pending.set(handle, { callback, ms });
    this.waiters.splice(0).forEach((wake) => wake());
    return handle;
  };

  readonly clear = (handle: Timer): void => {
    this.pending.delete(handle);
  };

  /** How many timers of `ms` are waiting. */
  count(ms?: number): number {
    return [...this.pending.values()].filter((timer) => ms === undefined || timer.ms === ms).length;
  }

  /** Runs the waiting timers of `ms`, as if that much time had passed. */
  fire(ms: number): void {
    for (const [handle, timer] of [...this.pending]) {
      if (timer.ms !== ms) continue;
      this.pending.delete(handle);
      timer.callback();
    }
  }

  /** Resolves once the test passes; checked again whenever a timer is set. */
  async until(test: () => boolean): Promise<void> {
    while (!test()) await new Promise<void>((wake) => this.waiters.push(wake));
  }
}

describe('ChatService over real HTTP and a real database', () => {
  let mock: MockServer;
  let store: TestStore;
  let messenger: RecordingMessenger;
  let service: ChatService;
  let dependencies: ChatServiceDependencies;
  let configDir: string;
  let blobs: BlobStore;
  let attachments: AttachmentService;
  let online = true;

  beforeEach(async () => {
    mock = await startMockServer({ requiredKey: KEY });
    store = openStore(makeTempDir());
    configDir = mkdtempSync(join(tmpdir(), 'nagare-chat-'));
    blobs = new BlobStore(join(configDir, 'attachments'));
    attachments = new AttachmentService({
      store: () => store.attachments,
      blobs,
      readPdf: extractPdfText,
      dialogs: { chooseSavePath: async () => null },
      historyAside: () => false,
      openPath: async () => undefined,
      openedCopiesDir: configDir,
      now: store.clock.now,
    });
    const providers = new ProviderRegistry(
      new JsonFile(join(configDir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })),
    );
    providers.save({ presetId: 'custom', name: 'Mock', baseUrl: mock.url, defaultModel: 'mock-gpt' });
    const secrets: SecretsReader = { getKeyForRequest: async () => KEY, knownSecretValues: () => [KEY] };
    messenger = new RecordingMessenger();
    online = true;
    dependencies = {
      history: () => store.repo,
      streamLogs: () => store.streamLogs,
      providers,
      secrets,
      client: (idleTimeoutMs) => new ChatCompletionClient({ fetch, idleTimeoutMs }),
      events: new EventSink(messenger),
      defaults: () => ({ providerId: null, parameters: {}, idleTimeoutSeconds: 60 }),
      isOnline: () => online,
      onHistoryChanged: () => undefined,
      log: () => undefined,
      newId: makeIds('stream'),
      attachmentBytes: (id) => blobs.read(id),
    };
    service = new ChatService(dependencies);
  });

  afterEach(async () => {
    service.cancelAll();
    await mock.close();
    store.close();
    removeTempDirs();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('streams a reply to the window in order and saves it with its log', async () => {
    const started = await service.start(
      { content: 'Hello there [[mock:tokens=40 rate=400]]', mode: 'send' },
      { windowId: 1 },
    );
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);

    const events = messenger.sent.filter((event) => event.streamId === started.streamId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    expect(messenger.ended(started.streamId)?.kind).toBe('done');
    expect(messenger.text(started.streamId)).toBe(mock.lastResponse?.textSent);

    const saved = store.repo.getMessage(started.assistantMessageId);
    expect(saved).toMatchObject({
      status: 'complete',
      content: mock.lastResponse?.textSent,
      parentId: started.userMessageId,
    });
    const log = store.streamLogs.get(started.assistantMessageId);
    expect(log?.entries.filter((entry) => entry.type === 'event')).toHaveLength(mock.lastResponse?.eventsSent ?? -1);
    expect(JSON.stringify(log)).not.toContain(KEY);
    expect(log?.request.authStyle).toBe('bearer');
    expect(store.repo.getConversation(started.conversationId).title).toBe('Hello there [[mock:tokens=40 rate=400]]');
  });

  it('sends an image as an image_url part and a text file as a text part; the log leaves the base64 out', async () => {
    const png = makeTestPng(32, 24);
    const image = await attachments.add({ name: 'スクショ.png', bytes: png });
    const notes = await attachments.add({ name: 'notes.md', bytes: new TextEncoder().encode('# Notes\n川') });
    const started = await service.start(
      {
        content: 'What is in these?',
        mode: 'send',
        attachments: [image, notes].map(({ id, name }) => ({ id, name })),
      },
      { windowId: 1 },
    );
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    expect(messenger.ended(started.streamId)?.kind).toBe('done');
    const sent = mock.requests.at(-1)?.json as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` } },
        { type: 'text', text: 'Attached file: notes.md\n```\n# Notes\n川\n```' },
      ],
    });
    const log = store.streamLogs.get(started.assistantMessageId);
    expect(log?.request.body).not.toContain(Buffer.from(png).toString('base64'));
    expect(log?.request.elided).toEqual([
      expect.objectContaining({ id: image.id, name: 'スクショ.png', mimeType: 'image/png', bytes: png.byteLength }),
    ]);
    expect(store.repo.getMessage(started.userMessageId!).attachments.map((file) => file.name)).toEqual([
      'スクショ.png',
      'notes.md',
    ]);
  });

  it('tells a model that refuses images apart, and keeps the message with its files', async () => {
    const image = await attachments.add({ name: 'photo.png', bytes: makeTestPng(8, 8) });
    const started = await service.start(
      { content: 'Look [[mock:fault=no-images]]', mode: 'send', attachments: [{ id: image.id, name: image.name }] },
      { windowId: 1 },
    );
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    expect(messenger.ended(started.streamId)).toMatchObject({
      kind: 'error',
      error: { code: 'image_unsupported', message: expect.stringContaining('does not accept images') },
    });
    expect(store.repo.getMessage(started.userMessageId!).attachments).toHaveLength(1);
  });

  it('writes the first tokens at once, before the first flush interval has passed', async () => {
    // Flush timers never fire here: whatever reaches the database got there without one.
    const heldFlushes: Array<() => void> = [];
    service = new ChatService({
      ...dependencies,
      setTimer: (callback, ms) => {
        if (ms !== HISTORY_FLUSH_MS) return setTimeout(callback, ms);
        heldFlushes.push(callback);
        return setTimeout(() => undefined, 0);
      },
    });
    const started = await service.start({ content: '[[mock:tokens=40 rate=5]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.text(started.streamId).length > 0);

    const saved = store.repo.getMessage(started.assistantMessageId);
    expect(saved.status).toBe('streaming');
    expect(saved.content.length).toBeGreaterThan(0);
    expect(messenger.text(started.streamId).startsWith(saved.content)).toBe(true);
    // Later tokens wait for the flush interval.
    await messenger.until(() => heldFlushes.length > 0);
    expect(store.repo.getMessage(started.assistantMessageId).content).toBe(saved.content);
  });

  it('puts a save off while an import holds the history, and a save that waited past the end changes nothing', async () => {
    const held: Array<() => void> = [];
    service = new ChatService({
      ...dependencies,
      writeWhenFree: (write) => new Promise<void>((resolve) => held.push(() => (write(), resolve()))),
    });
    const started = await service.start({ content: '[[mock:tokens=40 rate=5]]', mode: 'send' }, { windowId: 1 });
    const reply = () => store.repo.getMessage(started.assistantMessageId);
    await messenger.until(() => messenger.text(started.streamId).length > 0);
    await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
    expect(reply().content).toBe('');
    held.shift()!();
    expect(reply().content.length).toBeGreaterThan(0);
    expect(messenger.text(started.streamId).startsWith(reply().content)).toBe(true);

    await vi.waitFor(() => expect(reply().status).toBe('complete'), { timeout: 20_000 });
    const final = reply().content;
    expect(final).toBe(messenger.text(started.streamId));
    for (const save of held.splice(0)) save();
    expect(reply()).toMatchObject({ status: 'complete', content: final });
  });

  it('coalesces a fast stream into far fewer window messages than tokens', async () => {
    const started = await service.start({ content: '[[mock:tokens=2000 rate=2000]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    const deltas = messenger.sent.filter((event) => event.kind === 'delta');
    expect(messenger.text(started.streamId)).toBe(mock.lastResponse?.textSent);
    // One message per ~16 ms: about a second of stream must not need anywhere near 2,000 messages.
    expect(deltas.length).toBeLessThan(200);
  });

  it('cancels upstream at once and keeps the partial reply as cancelled', async () => {
    const started = await service.start({ content: '[[mock:tokens=400 rate=40]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.text(started.streamId).length > 0);
    service.cancel(started.streamId);
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    const ended = messenger.ended(started.streamId);
    expect(ended).toMatchObject({ kind: 'error', error: { code: 'cancelled' } });
    const saved = store.repo.getMessage(started.assistantMessageId);
    expect(saved.status).toBe('cancelled');
    expect(saved.content.length).toBeGreaterThan(0);
    expect(saved.content).toBe(messenger.text(started.streamId));
    expect(service.activeCount).toBe(0);
  });

  it('saves every running reply before cancelAll returns, so quitting can close the history at once', async () => {
    const started = await service.start({ content: '[[mock:tokens=400 rate=40]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.text(started.streamId).length > 0);
    service.cancelAll();
    const saved = store.repo.getMessage(started.assistantMessageId);
    expect(saved.status).toBe('cancelled');
    expect(saved.content).toBe(messenger.text(started.streamId));
    expect(service.activeCount).toBe(0);
  });

  it('aborts a reply whose window is gone', async () => {
    const started = await service.start({ content: '[[mock:tokens=400 rate=40]]', mode: 'send' }, { windowId: 2 });
    // The other windows are told too, so the end shows up here.
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    expect(messenger.ended(started.streamId)).toMatchObject({ kind: 'error', error: { code: 'cancelled' } });
    expect(service.activeCount).toBe(0);
    expect(store.repo.getMessage(started.assistantMessageId).status).toBe('cancelled');
  });

  it('keeps the text received before an upstream failure', async () => {
    const started = await service.start(
      { content: '[[mock:tokens=50 fault=drop after=10]]', mode: 'send' },
      { windowId: 1 },
    );
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    expect(messenger.ended(started.streamId)).toMatchObject({ kind: 'error', error: { code: 'network' } });
    const saved = store.repo.getMessage(started.assistantMessageId);
    expect(saved.status).toBe('error');
    expect(saved.content).toBe(mock.lastResponse?.textSent);
    expect(saved.content.length).toBeGreaterThan(0);
  });

  it('regenerates as a second version and continues an interrupted reply in place', async () => {
    const first = await service.start({ content: 'Q [[mock:tokens=12 rate=400]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.ended(first.streamId) !== undefined);
    const again = await service.start(
      {
        conversationId: first.conversationId,
        content: '',
        mode: 'regenerate',
        targetMessageId: first.assistantMessageId,
      },
      { windowId: 1 },
    );
    await messenger.until(() => messenger.ended(again.streamId) !== undefined);
    expect(store.repo.getMessage(again.assistantMessageId)).toMatchObject({ versionIndex: 2, versionCount: 2 });

    store.repo.finishMessage(again.assistantMessageId, { status: 'interrupted', content: 'Partial answer' });
    const continued = await service.start(
      {
        conversationId: first.conversationId,
        content: '',
        mode: 'continue',
        targetMessageId: again.assistantMessageId,
      },
      { windowId: 1 },
    );
    expect(continued.assistantMessageId).toBe(again.assistantMessageId);
    await messenger.until(() => messenger.ended(continued.streamId) !== undefined);
    const saved = store.repo.getMessage(again.assistantMessageId);
    expect(saved.status).toBe('complete');
    expect(saved.content).toBe(`Partial answer${messenger.text(continued.streamId)}`);
    const lastRequest = mock.requests.at(-1);
    const body = JSON.parse(lastRequest?.body ?? '{}') as { messages: Array<{ role: string; content: string }> };
    expect(body.messages.at(-2)).toEqual({ role: 'assistant', content: 'Partial answer' });
    expect(body.messages.at(-1)?.role).toBe('user');
  });

  it('keeps streaming to the window when the disk fills, and reports a storage error at the end', async () => {
    const text = Array.from({ length: 3000 }, (_, index) => `token${index}`).join(' ');
    const started = await service.start(
      { content: `Fill it [[mock:rate=3000 text=${encodeURIComponent(text)}]]`, mode: 'send' },
      { windowId: 1 },
    );
    // A real engine error: SQLite may not grow the file past its current size, so the growing reply cannot be saved.
    const pages = (store.opened.db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    store.opened.db.exec(`PRAGMA max_page_count = ${pages}`);
    try {
      await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    } finally {
      store.opened.db.exec('PRAGMA max_page_count = 1073741823');
    }
    expect(messenger.ended(started.streamId)).toMatchObject({ kind: 'error', error: { code: 'storage' } });
    // Nothing of the reply was lost on its way to the window.
    expect(messenger.text(started.streamId)).toBe(text);
  });

  it('refuses to send to a remote provider while offline and saves nothing', async () => {
    const remote = dependencies.providers.save({
      presetId: 'custom',
      name: 'Remote',
      baseUrl: 'https://llm.example/v1',
      defaultModel: 'remote-model',
    });
    online = false;
    await expect(
      service.start({ content: 'hello', mode: 'send', providerId: remote.id }, { windowId: 1 }),
    ).rejects.toMatchObject({ code: 'offline' });
    expect(store.repo.listConversations().items).toHaveLength(0);
  });

  it('answers from a server on this computer while offline, whatever its preset', async () => {
    online = false;
    // The mock is a custom provider on 127.0.0.1, as a llama.cpp or vLLM server would be.
    const started = await service.start({ content: 'hello [[mock:tokens=3]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    expect(messenger.ended(started.streamId)?.kind).toBe('done');
    expect(mock.requests.filter((request) => request.path.includes('chat/completions'))).toHaveLength(1);
  });

  it('refuses a send or a turn that makes no sense before writing anything, and starts no request', async () => {
    const first = await service.start({ content: 'Q [[mock:tokens=4 rate=400]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.ended(first.streamId) !== undefined);
    const other = await service.start({ content: 'Other [[mock:tokens=4 rate=400]]', mode: 'send' }, { windowId: 1 });
    await messenger.until(() => messenger.ended(other.streamId) !== undefined);
    const rows = () => ({
      conversations: store.opened.db.prepare('SELECT id, title, updated_at, active_leaf_id FROM conversations').all(),
      messages: store.opened.db.prepare('SELECT id, status, content FROM messages').all(),
    });
    const before = rows();
    const requests = mock.requests.length;
    const refused: Array<[input: Parameters<ChatService['start']>[0], code: string]> = [
      // What quick ask sends for an empty box: it used to leave an empty conversation behind.
      [{ content: '   ', mode: 'send' }, 'invalid_request'],
      [{ conversationId: first.conversationId, content: '', mode: 'send' }, 'invalid_request'],
      [{ conversationId: first.conversationId, content: '', mode: 'regenerate', targetMessageId: 'gone' }, 'missing'],
      [
        {
          conversationId: first.conversationId,
          content: '',
          mode: 'regenerate',
          targetMessageId: other.assistantMessageId,
        },
        'invalid_request',
      ],
      [{ content: '', mode: 'regenerate', targetMessageId: first.assistantMessageId }, 'invalid_request'],
      [
        { conversationId: first.conversationId, content: '', mode: 'continue', targetMessageId: first.userMessageId! },
        'invalid_request',
      ],
      [
        { conversationId: first.conversationId, content: 'x', mode: 'edit', targetMessageId: first.assistantMessageId },
        'invalid_request',
      ],
    ];
    for (const [input, code] of refused) {
      await expect(service.start(input, { windowId: 1 }), JSON.stringify(input)).rejects.toMatchObject({ code });
    }
    expect(rows()).toEqual(before);
    expect(mock.requests.length).toBe(requests);
    expect(service.activeCount).toBe(0);
  });

  it('sends deltas once per coalescing interval, saves the first text at once and then on the save timer', async () => {
    const timers = new ManualTimers();
    const body = new ControlledBody();
    const paced = new ChatService({
      ...dependencies,
      client: () => new ChatCompletionClient({ fetch: async () => eventStreamResponse(body.stream) }),
      setTimer: timers.set,
      clearTimer: timers.clear,
    });
    const started = await paced.start({ content: 'Say hello', mode: 'send' }, { windowId: 1 });
    const saved = () => store.repo.getMessage(started.assistantMessageId).content;
    const deltas = () =>
      messenger.sent.flatMap((event) =>
        event.streamId === started.streamId && event.kind === 'delta' ? [event.text] : [],
      );

    body.send(sseChunk({ content: 'Hel' }));
    await timers.until(() => timers.count(IPC_COALESCE_MS) === 1);
    expect(deltas()).toEqual([]);
    // A crash right after the first token still finds it on disk.
    expect(saved()).toBe('Hel');

    body.send(sseChunk({ content: 'lo' }));
    await timers.until(() => timers.count(HISTORY_FLUSH_MS) === 1);
    // Still one window message waiting, now for both deltas.
    expect(timers.count(IPC_COALESCE_MS)).toBe(1);
    timers.fire(IPC_COALESCE_MS);
    expect(deltas()).toEqual(['Hello']);
    expect(saved()).toBe('Hel');

    body.send(sseChunk({ content: ', world' }));
    await timers.until(() => timers.count(IPC_COALESCE_MS) === 1);
    timers.fire(HISTORY_FLUSH_MS);
    expect(saved()).toBe('Hello, world');
    timers.fire(IPC_COALESCE_MS);
    expect(deltas()).toEqual(['Hello', ', world']);

    // The end sends what is waiting and saves the whole reply at once, leaving no timer behind.
    body.send(sseChunk({ content: '!' }) + SSE_END);
    body.end();
    await messenger.until(() => messenger.ended(started.streamId) !== undefined);
    expect(deltas()).toEqual(['Hello', ', world', '!']);
    expect(messenger.ended(started.streamId)?.kind).toBe('done');
    expect(store.repo.getMessage(started.assistantMessageId)).toMatchObject({
      status: 'complete',
      content: 'Hello, world!',
    });
    expect(timers.count()).toBe(0);
  });

  describe('tool calls', () => {
    /** A fake of the MCP servers: two tools on one server, results made from the arguments. */
    function fakeTools(options: { alwaysAllowed?: string[]; hang?: boolean } = {}) {
      const calls: Array<{ name: string; args: Record<string, unknown> }> = [];
      const callWaiters: Array<() => void> = [];
      /** Resolves once a call has reached the tool, woken by the call itself. */
      const called = () =>
        calls.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => callWaiters.push(resolve));
      const allowed = new Set(options.alwaysAllowed ?? []);
      const offered: OfferedTool[] = ['lookup', 'report_env'].map((name) => ({
        serverId: 'srv',
        serverName: 'Test tools',
        toolName: name,
        functionName: name,
        description: `The ${name} tool`,
        inputSchema: { type: 'object', properties: {} },
      }));
      const port: ToolsPort = {
        offeredTools: async (ids) => (ids.includes('srv') ? offered : []),
        call: async (tool, args, signal) => {
          calls.push({ name: tool.toolName, args });
          callWaiters.splice(0).forEach((wake) => wake());
          if (options.hang) {
            await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
            return {
              status: 'cancelled',
              content: 'cancelled by the user',
              error: null,
              durationMs: 1,
              truncated: false,
            };
          }
          return {
            status: 'ok',
            content: `${tool.toolName}:${JSON.stringify(args)}`,
            error: null,
            durationMs: 1,
            truncated: false,
          };
        },
        isAlwaysAllowed: (_serverId, toolName) => allowed.has(toolName),
        allowAlways: (_serverId, toolName) => void allowed.add(toolName),
      };
      return { port, calls, allowed, called };
    }

    const PARALLEL = [
      { name: 'lookup', arguments: '{"query": "流れ 🌊", "mode": "ok"}', id: 'call_a' },
      { name: 'report_env', arguments: '{}', id: 'call_b' },
    ];

    function toolEvents(streamId: string) {
      return messenger.sent.filter(
        (event): event is Extract<ChatEvent, { kind: 'tool-calls' }> =>
          event.streamId === streamId && event.kind === 'tool-calls',
      );
    }

    it('asks, runs both calls, sends their results and streams the final answer, all kept', async () => {
      const tools = fakeTools();
      service = new ChatService({ ...dependencies, tools: tools.port });
      mock.script({ toolCalls: PARALLEL, text: 'Let me look.' }, { text: 'Done: flow.' });
      const started = await service.start(
        { content: 'Look it up', mode: 'send', toolServerIds: ['srv'] },
        { windowId: 1 },
      );
      await messenger.until(() => toolEvents(started.streamId).length === 1);
      const [asked] = toolEvents(started.streamId);
      expect(asked!.askIds).toEqual(['call_a', 'call_b']);
      expect(asked!.step.text).toBe('Let me look.');
      expect(asked!.step.calls.map((c) => [c.name, c.arguments])).toEqual(PARALLEL.map((c) => [c.name, c.arguments]));
      expect(
        JSON.parse(mock.requests.at(-1)!.body).tools.map((t: { function: { name: string } }) => t.function.name),
      ).toEqual(['lookup', 'report_env']);

      service.decideTool(started.streamId, 'call_a', 'run');
      service.decideTool(started.streamId, 'call_b', 'deny');
      await messenger.until(() => messenger.ended(started.streamId) !== undefined);
      expect(messenger.ended(started.streamId)?.kind).toBe('done');
      expect(tools.calls).toEqual([{ name: 'lookup', args: { query: '流れ 🌊', mode: 'ok' } }]);

      const second = JSON.parse(mock.requests.at(-1)!.body) as { messages: unknown[] };
      expect(second.messages.slice(-3)).toEqual([
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: PARALLEL.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'lookup:{"query":"流れ 🌊","mode":"ok"}' },
        { role: 'tool', tool_call_id: 'call_b', content: 'denied by the user' },
      ]);
      const saved = store.repo.getMessage(started.assistantMessageId);
      expect(saved.content).toBe('Done: flow.');
      expect(saved.toolSteps[0]!.calls.map((c) => c.result?.status)).toEqual(['ok', 'denied']);
      // The next turn replays the round exactly, before the reply's final text.
      const context = store.repo.buildContext(started.assistantMessageId);
      expect(context.slice(-4, -1)).toEqual(second.messages.slice(-3));
      expect(context.at(-1)).toEqual({ role: 'assistant', content: 'Done: flow.', attachments: [] });
      // The inspector's log holds both rounds: the tool-call fragments, then the final answer, in time order.
      const entries = store.streamLogs.get(started.assistantMessageId)!.entries;
      const firstFragment = entries.findIndex((entry) => entry.data.includes('"arguments":"{\\"q'));
      const finalText = entries.findIndex((entry) => entry.data.includes('Done'));
      expect(firstFragment).toBeGreaterThanOrEqual(0);
      expect(finalText).toBeGreaterThan(firstFragment);
      expect(entries[finalText]!.at).toBeGreaterThanOrEqual(entries[firstFragment]!.at);
    });

    it('runs always-allowed tools without asking, and remembers a new Always allow', async () => {
      const tools = fakeTools({ alwaysAllowed: ['report_env'] });
      service = new ChatService({ ...dependencies, tools: tools.port });
      mock.script({ toolCalls: PARALLEL }, { text: 'ok' });
      const started = await service.start({ content: 'x', mode: 'send', toolServerIds: ['srv'] }, { windowId: 1 });
      await messenger.until(() => toolEvents(started.streamId).length === 1);
      expect(toolEvents(started.streamId)[0]!.askIds).toEqual(['call_a']);
      service.decideTool(started.streamId, 'call_a', 'always');
      await messenger.until(() => messenger.ended(started.streamId) !== undefined);
      expect(tools.allowed.has('lookup')).toBe(true);
      expect(tools.calls.map((c) => c.name).sort()).toEqual(['lookup', 'report_env']);
    });

    it('answers arguments that are not JSON with a typed error, and goes on', async () => {
      const tools = fakeTools({ alwaysAllowed: ['lookup'] });
      service = new ChatService({ ...dependencies, tools: tools.port });
      mock.script({ toolCalls: [{ name: 'lookup', arguments: '{"query": "cut', id: 'call_bad' }] }, { text: 'sorry' });
      const started = await service.start({ content: 'x', mode: 'send', toolServerIds: ['srv'] }, { windowId: 1 });
      await messenger.until(() => messenger.ended(started.streamId) !== undefined);
      expect(messenger.ended(started.streamId)?.kind).toBe('done');
      const call = store.repo.getMessage(started.assistantMessageId).toolSteps[0]!.calls[0]!;
      expect(call.result?.error?.code).toBe('tool_bad_arguments');
      expect(tools.calls).toEqual([]);
    });

    it('stops at the step limit with a visible error', async () => {
      const tools = fakeTools({ alwaysAllowed: ['report_env'] });
      service = new ChatService({ ...dependencies, tools: tools.port });
      mock.setScript({ toolCalls: [{ name: 'report_env', arguments: '{}' }] });
      const started = await service.start({ content: 'loop', mode: 'send', toolServerIds: ['srv'] }, { windowId: 1 });
      await messenger.until(() => messenger.ended(started.streamId) !== undefined);
      const ended = messenger.ended(started.streamId);
      expect(ended?.kind === 'error' && ended.error.code).toBe('tool_error');
      expect(tools.calls).toHaveLength(TOOL_STEP_LIMIT);
      expect(store.repo.getMessage(started.assistantMessageId).toolSteps).toHaveLength(TOOL_STEP_LIMIT);
    });

    it('stops while a call waits for the user, and while one runs', async () => {
      const tools = fakeTools({ hang: true });
      service = new ChatService({ ...dependencies, tools: tools.port });
      mock.script({ toolCalls: PARALLEL });
      const waiting = await service.start({ content: 'x', mode: 'send', toolServerIds: ['srv'] }, { windowId: 1 });
      await messenger.until(() => toolEvents(waiting.streamId).length === 1);
      service.cancel(waiting.streamId);
      await messenger.until(() => messenger.ended(waiting.streamId) !== undefined);
      expect(store.repo.getMessage(waiting.assistantMessageId).status).toBe('cancelled');
      expect(() => service.decideTool(waiting.streamId, 'call_a', 'run')).toThrow(/no longer waiting/);

      mock.script({ toolCalls: PARALLEL });
      const running = await service.start({ content: 'y', mode: 'send', toolServerIds: ['srv'] }, { windowId: 1 });
      await messenger.until(() => toolEvents(running.streamId).length === 1);
      service.decideTool(running.streamId, 'call_a', 'run');
      await tools.called();
      service.cancel(running.streamId);
      await messenger.until(() => messenger.ended(running.streamId) !== undefined);
      const calls = store.repo.getMessage(running.assistantMessageId).toolSteps[0]!.calls;
      expect(calls.map((c) => c.result?.status)).toEqual(['cancelled', 'cancelled']);
    });

    it('offers no tools to a conversation that chose none', async () => {
      service = new ChatService({ ...dependencies, tools: fakeTools().port });
      const started = await service.start({ content: 'plain', mode: 'send' }, { windowId: 1 });
      await messenger.until(() => messenger.ended(started.streamId) !== undefined);
      expect(JSON.parse(mock.requests.at(-1)!.body)).not.toHaveProperty('tools');
    });
  });
});
