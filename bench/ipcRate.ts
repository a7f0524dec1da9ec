/**
 * Main-to-renderer messages per second for one reply streaming at 2,000
 * tokens/s: the full main path (mock server over HTTP → client → ChatService →
 * EventSink) with a messenger that counts what would cross IPC.
 * Target: at most 60 messages a second per stream. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMockServer } from '../e2e/fixtures/mockServer';
import type { ChatEvent } from '../src-preload/contract/types';
import { openHistoryDatabase } from '../src-main/history/database';
import { createHistoryStores } from '../src-main/history/HistoryStores';
import { EventSink, type WindowMessenger } from '../src-main/common/EventSink';
import { ProviderRegistry, storedProvidersSchema } from '../src-main/providers/ProviderRegistry';
import { JsonFile } from '../src-main/settings/JsonFile';
import { ChatCompletionClient } from '../src-main/streaming/ChatCompletionClient';
import { ChatService } from '../src-main/streaming/ChatService';
import { median } from './stats';

const RUNS = 5;
const TOKENS = 4_000;
const RATE = 2_000;

async function oneRun(): Promise<{ perSecond: number; tokensPerMessage: number; maxGapMessages: number }> {
  const mock = await startMockServer();
  const dir = mkdtempSync(join(tmpdir(), 'nagare-bench-ipc-'));
  const opened = openHistoryDatabase({ directory: dir, now: Date.now });
  const sent: Array<{ at: number; event: ChatEvent }> = [];
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const messenger: WindowMessenger = {
    send: (_windowId, channel, payload) => {
      if (channel !== 'chat.event') return true;
      const event = payload as ChatEvent;
      sent.push({ at: performance.now(), event });
      if (event.kind === 'done' || event.kind === 'error') finished();
      return true;
    },
    windowIds: () => [1],
  };
  const providers = new ProviderRegistry(
    new JsonFile(join(dir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })),
  );
  providers.save({ presetId: 'custom', name: 'Mock', baseUrl: mock.url, defaultModel: 'mock-gpt' });
  const { history, streamLogs } = createHistoryStores(opened.db, Date.now, () => crypto.randomUUID());
  const chat = new ChatService({
    history: () => history,
    streamLogs: () => streamLogs,
    providers,
    secrets: { getKeyForRequest: async () => null, knownSecretValues: () => [] },
    client: (idleTimeoutMs) => new ChatCompletionClient({ fetch, idleTimeoutMs }),
    events: new EventSink(messenger),
    defaults: () => ({ providerId: null, parameters: {}, idleTimeoutSeconds: 60 }),
    isOnline: () => true,
    onHistoryChanged: () => undefined,
    log: () => undefined,
    newId: () => crypto.randomUUID(),
  });
  try {
    await chat.start({ content: `[[mock:tokens=${TOKENS} rate=${RATE}]]`, mode: 'send' }, { windowId: 1 });
    await done;
    const deltas = sent.filter((entry) => entry.event.kind === 'delta');
    const seconds = (deltas.at(-1)!.at - deltas[0]!.at) / 1000;
    // The busiest 100 ms window, scaled to a second: a burst would show here even if the average is low.
    let busiest = 0;
    for (let start = 0, end = 0; end < deltas.length; end++) {
      while (deltas[end]!.at - deltas[start]!.at > 100) start++;
      busiest = Math.max(busiest, end - start + 1);
    }
    return {
      perSecond: deltas.length / seconds,
      tokensPerMessage: TOKENS / deltas.length,
      maxGapMessages: busiest * 10,
    };
  } finally {
    opened.db.close();
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runIpcRateBench(): Promise<string> {
  const runs = [];
  for (let run = 0; run < RUNS; run++) runs.push(await oneRun());
  const perSecond = runs.map((run) => run.perSecond);
  const busiest = runs.map((run) => run.maxGapMessages);
  return [
    `IPC messages per stream at ${RATE} tokens/s (${TOKENS} tokens, ${RUNS} runs)`,
    `  messages/s: median ${median(perSecond).toFixed(1)} (${Math.min(...perSecond).toFixed(1)}–${Math.max(...perSecond).toFixed(1)}), target ≤ 60`,
    `  busiest 100 ms, as messages/s: median ${median(busiest)} (${Math.min(...busiest)}–${Math.max(...busiest)})`,
    `  tokens per message: median ${median(runs.map((run) => run.tokensPerMessage)).toFixed(1)}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await runIpcRateBench());
}
