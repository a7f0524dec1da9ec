import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../e2e/fixtures/mockServer';
import type { ChatEvent } from '../../src-preload/contract/types';
import { makeIds, openStore, removeTempDirs, makeTempDir, type TestStore } from '../history/testSupport';
import { EventSink, type WindowMessenger } from '../ipc/EventSink';
import { ProviderRegistry, storedProvidersSchema } from '../providers/ProviderRegistry';
import type { SecretsReader } from '../secrets/SecretsService';
import { JsonFile } from '../settings/JsonFile';
import { ChatCompletionClient } from './ChatCompletionClient';
import { ChatService, HISTORY_FLUSH_MS, type ChatServiceDependencies } from './ChatService';

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
  async until(predicate: (events: ChatEvent[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.sent)) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.sent.slice(-3))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
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

describe('ChatService over real HTTP and a real database', () => {
  let mock: MockServer;
  let store: TestStore;
  let messenger: RecordingMessenger;
  let service: ChatService;
  let dependencies: ChatServiceDependencies;
  let configDir: string;
  let online = true;

  beforeEach(async () => {
    mock = await startMockServer({ requiredKey: KEY });
    store = openStore(makeTempDir());
    configDir = mkdtempSync(join(tmpdir(), 'nagare-chat-'));
    const providers = new ProviderRegistry(
      new JsonFile(join(configDir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })),
    );
    providers.save({ presetId: 'custom', name: 'Mock', baseUrl: mock.url, defaultModel: 'mock-gpt' });
    const secrets: SecretsReader = { getKeyForRequest: async () => KEY, knownSecretValues: () => [KEY] };
    messenger = new RecordingMessenger();
    online = true;
    dependencies = {
      history: () => store.repo,
      providers,
      secrets,
      client: (idleTimeoutMs) => new ChatCompletionClient({ fetch, idleTimeoutMs }),
      events: new EventSink(messenger),
      defaults: () => ({ providerId: null, parameters: {}, idleTimeoutSeconds: 60 }),
      isOnline: () => online,
      onHistoryChanged: () => undefined,
      log: () => undefined,
      newId: makeIds('stream'),
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
    const log = store.repo.getStreamLog(started.assistantMessageId);
    expect(log?.entries.filter((entry) => entry.type === 'event')).toHaveLength(mock.lastResponse?.eventsSent ?? -1);
    expect(JSON.stringify(log)).not.toContain(KEY);
    expect(log?.request.authStyle).toBe('bearer');
    expect(store.repo.getConversation(started.conversationId).title).toBe('Hello there [[mock:tokens=40 rate=400]]');
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

  it('aborts a reply whose window is gone', async () => {
    const started = await service.start({ content: '[[mock:tokens=400 rate=40]]', mode: 'send' }, { windowId: 2 });
    const deadline = Date.now() + 10_000;
    while (service.activeCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
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
    online = false;
    await expect(service.start({ content: 'hello', mode: 'send' }, { windowId: 1 })).rejects.toMatchObject({
      code: 'offline',
    });
    expect(store.repo.listConversations().items).toHaveLength(0);
  });
});
