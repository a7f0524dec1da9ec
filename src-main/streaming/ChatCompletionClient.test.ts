import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMockServer, type MockScript, type MockServer } from '../../e2e/fixtures/mockServer';
import type { ProviderConfig } from '../providers/requestBuilder';
import {
  ChatCompletionClient,
  DEFAULT_MAX_LOG_CHARS,
  type ChatCompletionClientOptions,
  type ChatCompletionStream,
} from './ChatCompletionClient';
import type { ChatStreamEvent } from './chatCompletionStream';
import { ControlledBody, eventStreamResponse, FAKE_PROVIDER, SSE_END, sseChunk, streamOver } from './testSupport';

const KEY = 'sk-mock-SECRET-0123456789abcdef';

let server: MockServer;
let provider: ProviderConfig;

beforeAll(async () => {
  server = await startMockServer({ requiredKey: KEY });
  provider = { presetId: 'openai', baseUrl: server.url, authStyle: 'bearer' };
});
afterAll(async () => {
  await server.close();
});

interface Outcome {
  events: ChatStreamEvent[];
  text: string;
  last: ChatStreamEvent;
  stream: ChatCompletionStream;
}

async function run(
  prompt: string,
  opts: {
    script?: MockScript;
    client?: Partial<ChatCompletionClientOptions>;
    key?: string | null;
    signal?: AbortSignal;
  } = {},
): Promise<Outcome> {
  if (opts.script) server.script(opts.script);
  const client = new ChatCompletionClient({ fetch, ...opts.client });
  const stream = client.stream({
    provider,
    apiKey: opts.key === undefined ? KEY : opts.key,
    model: 'mock-gpt',
    messages: [
      { role: 'system', content: 'You are a test.' },
      { role: 'user', content: prompt },
    ],
    parameters: { temperature: 0 },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const events: ChatStreamEvent[] = [];
  for await (const e of stream) events.push(e);
  const last = events.at(-1);
  if (!last) throw new Error('no events');
  const text = events.map((e) => (e.type === 'text' ? e.text : '')).join('');
  return { events, text, last, stream };
}

function errorOf(outcome: Outcome) {
  if (outcome.last.type !== 'error') throw new Error(`expected an error, got ${outcome.last.type}`);
  return outcome.last.error;
}

function expectNoKey(outcome: Outcome): void {
  const error = outcome.last.type === 'error' ? outcome.last.error : null;
  if (error) {
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error.toShape())).not.toContain(KEY);
  }
  expect(JSON.stringify(outcome.stream.request)).not.toContain(KEY);
  expect(JSON.stringify(outcome.stream.response)).not.toContain(KEY);
}

describe('ChatCompletionClient against the mock server', () => {
  it('streams a normal reply whose text equals what the server sent, with metrics and usage', async () => {
    const out = await run('Tell me about rivers and streams please');
    expect(out.last.type).toBe('done');
    expect(out.text).toBe(server.lastResponse?.textSent);
    expect(out.text).toContain('Tell me about rivers and streams please');
    if (out.last.type !== 'done') return;
    expect(out.last.finishReason).toBe('stop');
    // The OpenAI preset asks for include_usage, so the count is the server's, not an estimate.
    expect(out.last.usage?.estimated).toBeUndefined();
    const contentChunks = out.stream.entries.filter(
      (e) => e.type === 'event' && e.data !== '[DONE]' && JSON.parse(e.data).choices[0]?.delta?.content,
    );
    expect(out.last.usage?.completionTokens).toBe(contentChunks.length);
    expect(out.last.metrics?.timeToFirstByteMs).toBeGreaterThanOrEqual(0);
    expect(out.last.metrics?.timeToFirstTokenMs).toBeGreaterThanOrEqual(out.last.metrics?.timeToFirstByteMs ?? 0);
    expect(out.last.metrics?.durationMs).toBeGreaterThanOrEqual(out.last.metrics?.timeToFirstTokenMs ?? 0);
    expect(out.stream.response.status).toBe(200);
    expect(out.stream.response.headers['content-type']).toMatch(/text\/event-stream/);
    expect(out.stream.entries.filter((e) => e.type === 'event').length).toBe(server.lastResponse?.eventsSent);
    expect(out.stream.truncated).toBe(false);
    expect(out.stream.request.headers).not.toHaveProperty('Authorization');
    const sent = server.requests.at(-1);
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.json).toMatchObject({ model: 'mock-gpt', stream: true, stream_options: { include_usage: true } });
  });

  it('gives a text event per read: token by token at a live pace, one event for a burst', async () => {
    const live = await run('[[mock:tokens=8 rate=20]]');
    expect(live.text).toBe(server.lastResponse?.textSent);
    const burst = await run('[[mock:tokens=200]]');
    expect(burst.text).toBe(server.lastResponse?.textSent);
    // 50 ms apart, the tokens cannot all share one read; sent at once, 200 tokens fit in a few.
    expect(live.events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(burst.events.filter((e) => e.type === 'text').length).toBeLessThan(20);
    expect(burst.text.length).toBeGreaterThan(200);
  });

  it('estimates tokens when the server sends no usage', async () => {
    const out = await run('no usage [[mock:usage=none]]');
    expect(out.last.type === 'done' && out.last.usage).toMatchObject({ estimated: true });
    expect(out.last.type === 'done' && out.last.usage?.completionTokens).toBe(Math.ceil(out.text.length / 4));
  });

  it('keeps Japanese and emoji intact across reads split inside characters and CRLF pairs', async () => {
    const out = await run('split please [[mock:split comments]]');
    expect(out.last.type).toBe('done');
    expect(out.text).toContain('こんにちは、世界 🌸');
    expect(out.text).not.toContain('\uFFFD');
    expect(out.text).toBe(server.lastResponse?.textSent);
    expect(out.stream.entries.some((e) => e.type === 'comment' && e.data === 'keep-alive')).toBe(true);
  });

  it('separates reasoning and streams tool calls', async () => {
    const reasoning = await run('think [[mock:reasoning]]');
    expect(reasoning.events.some((e) => e.type === 'reasoning')).toBe(true);
    expect(reasoning.last.type === 'done' && reasoning.last.usage?.reasoningTokens).toBeGreaterThan(0);
    const tools = await run('weather [[mock:tools]]');
    expect(tools.last).toMatchObject({
      type: 'done',
      finishReason: 'tool_calls',
      toolCalls: [
        { index: 0, id: 'call_mock_1', name: 'get_weather', arguments: '{"city": "Tōkyō", "unit": "celsius"}' },
      ],
    });
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
    [429, 'rate_limited'],
    [500, 'server'],
    [503, 'server'],
  ] as const)('maps HTTP %i to %s with the provider’s message', async (status, code) => {
    const out = await run(`fault [[mock:fault=${status} retryAfter=3]]`);
    const error = errorOf(out);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.partialText).toBe('');
    expect(error.message).toMatch(/The server said: /);
    if (status === 429) expect(error.retryAfterSeconds).toBe(3);
    if (status === 404) expect(error.message).toMatch(/base URL/);
    expect(out.stream.entries.at(-1)?.type).toBe('error-body');
    expectNoKey(out);
  });

  it('never shows the key, even when the server echoes it in a 401', async () => {
    const out = await run('fault [[mock:fault=401]]');
    const echoed = server.requests.at(-1);
    expect(echoed?.headers.authorization).toContain(KEY);
    expect(errorOf(out).message).toContain('[redacted]');
    expectNoKey(out);
    const wrongKey = 'sk-wrong-key-9876543210';
    const wrong = await run('hello', { key: wrongKey });
    expect(errorOf(wrong).code).toBe('auth');
    expect(errorOf(wrong).message).not.toContain(wrongKey);
    expect(errorOf(wrong).message).not.toContain(KEY);
    // The raw log keeps the error body for the inspector, with the echoed key taken out.
    const body = wrong.stream.entries.find((entry) => entry.type === 'error-body');
    expect(body?.data).toContain('[redacted]');
    expect(JSON.stringify(wrong.stream.entries)).not.toContain(wrongKey);
  });

  it('reports an HTML page answered with 200 as a protocol error naming the page', async () => {
    const out = await run('[[mock:fault=html]]');
    expect(errorOf(out).code).toBe('protocol');
    expect(errorOf(out).message).toContain('Sign in to the guest network');
  });

  it('reports JSON where an event stream was expected as a protocol error', async () => {
    const out = await run('[[mock:fault=json]]');
    expect(errorOf(out).code).toBe('protocol');
    expect(errorOf(out).message).toMatch(/application\/json/);
  });

  it('reports a dropped connection as a network error, keeping the partial text', async () => {
    const out = await run('drop [[mock:fault=drop after=4]]');
    const error = errorOf(out);
    expect(error.code).toBe('network');
    expect(server.lastResponse?.outcome).toBe('dropped');
    expect(error.partialText).toBe(server.lastResponse?.textSent);
    expect(error.partialText.length).toBeGreaterThan(0);
  });

  it('times out a stalled stream on the idle timeout, keeping the partial text', async () => {
    const out = await run('stall [[mock:fault=stall after=3]]', { client: { idleTimeoutMs: 300 } });
    const error = errorOf(out);
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/stalled.*300 ms/);
    expect(error.partialText).toBe(server.lastResponse?.textSent);
    expect(error.partialText.length).toBeGreaterThan(0);
    // The stalled response ends only when the client hangs up.
    expect((await server.responseEnded())?.outcome).toBe('stalled');
  });

  it('times out when headers do not arrive within the connect timeout', async () => {
    const out = await run('slow start [[mock:delay=2000]]', { client: { connectTimeoutMs: 200 } });
    expect(errorOf(out).code).toBe('timeout');
    expect(errorOf(out).message).toMatch(/No answer from .* within 200 ms/);
  });

  it('keeps a slow drip alive: every byte resets the idle timer', async () => {
    // 10 ms a byte, about 1.5 s in all: a stream that sends anything never idles out.
    const out = await run('[[mock:drip=10 text=ok]]', { client: { idleTimeoutMs: 300 } });
    expect(out.last.type).toBe('done');
    expect(out.text).toBe('ok');
    expect(server.lastResponse?.bytesSent).toBeGreaterThan(100);
  });

  it('turns invalid UTF-8 into U+FFFD and completes', async () => {
    const out = await run('[[mock:fault=invalid-utf8]]');
    expect(out.last.type).toBe('done');
    expect(out.text.startsWith('bad bytes: [\uFFFD\uFFFD]')).toBe(true);
  });

  it('refuses a single 8 MB line as a protocol error without holding the stream open', async () => {
    const out = await run('[[mock:fault=huge-line]]');
    expect(errorOf(out).code).toBe('protocol');
    expect(out.stream.truncated).toBe(false);
  });

  it('accepts the 8 MB line when the limit allows it, and caps the raw log at its size', async () => {
    const out = await run('[[mock:fault=huge-line]]', { client: { maxEventChars: 16 * 1024 * 1024 } });
    expect(out.last.type).toBe('done');
    expect(out.text.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(out.stream.truncated).toBe(true);
    const logged = out.stream.entries.reduce((n, e) => n + e.data.length, 0);
    expect(logged).toBeLessThanOrEqual(DEFAULT_MAX_LOG_CHARS);
  });

  it('reports an error object in the stream as upstream, keeping the partial text', async () => {
    for (const fault of ['midstream-error', 'event-error']) {
      const out = await run(`[[mock:fault=${fault} after=3]]`);
      const error = errorOf(out);
      expect(error.code).toBe('upstream');
      expect(error.message).toContain('The model is overloaded');
      expect(error.partialText).toBe(server.lastResponse?.textSent);
      expect(error.partialText.length).toBeGreaterThan(0);
    }
  });

  it('cancels quickly through the AbortSignal, keeping the partial text', async () => {
    const controller = new AbortController();
    const client = new ChatCompletionClient({ fetch });
    const stream = client.stream({
      provider,
      apiKey: KEY,
      model: 'mock-gpt',
      messages: [{ role: 'user', content: '[[mock:tokens=500 rate=50]]' }],
      signal: controller.signal,
    });
    const events: ChatStreamEvent[] = [];
    for await (const e of stream) {
      events.push(e);
      if (e.type === 'text' && !controller.signal.aborted) controller.abort();
    }
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') return;
    expect(last.error.code).toBe('cancelled');
    expect(last.error.partialText.length).toBeGreaterThan(0);
    // Ended by the abort, not by the reply: 500 tokens at 50 a second were far from sent.
    expect(events.filter((e) => e.type === 'text').length).toBeLessThan(20);
    expect((await server.responseEnded())?.outcome).toBe('client-closed');
  });

  it('is cancelled at once when the signal was already aborted', async () => {
    const before = server.requests.length;
    const out = await run('never sent', { signal: AbortSignal.abort() });
    expect(errorOf(out).code).toBe('cancelled');
    expect(server.requests.length).toBe(before);
  });

  it('closes the connection when the consumer stops iterating', async () => {
    const client = new ChatCompletionClient({ fetch });
    const stream = client.stream({
      provider,
      apiKey: KEY,
      model: 'mock-gpt',
      messages: [{ role: 'user', content: '[[mock:tokens=500 rate=100]]' }],
    });
    for await (const e of stream) if (e.type === 'text') break;
    expect((await server.responseEnded())?.outcome).toBe('client-closed');
  });

  it('reports a refused connection as a network error', async () => {
    const closed = await startMockServer();
    const url = closed.url;
    await closed.close();
    const client = new ChatCompletionClient({ fetch });
    const events: ChatStreamEvent[] = [];
    for await (const e of client.stream({
      provider: { presetId: 'custom', baseUrl: url, authStyle: 'bearer' },
      apiKey: KEY,
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    }))
      events.push(e);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error.code).toBe('network');
    expect(last?.type === 'error' && last.error.message).toMatch(/refused/);
  });

  it('streams a long markdown reply at full speed with the exact text', async () => {
    const out = await run('[[mock:tokens=2000 rate=20000]]');
    expect(out.last.type).toBe('done');
    expect(out.text).toBe(server.lastResponse?.textSent);
    expect(out.text).toContain('| Model | Tokens/s | Notes |');
    expect(out.text).toContain('```ts');
  });
});

describe('ChatCompletionClient.listModels', () => {
  it('lists the models with the right key', async () => {
    const client = new ChatCompletionClient({ fetch });
    expect(await client.listModels(provider, KEY)).toEqual(['mock-fast', 'mock-gpt', 'mock-reasoner']);
  });

  it('throws an auth StreamError without the key for a wrong key', async () => {
    const client = new ChatCompletionClient({ fetch });
    const wrongKey = 'sk-wrong-key-abcdefghijkl';
    const error = await client.listModels(provider, wrongKey).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'auth', status: 401 });
    expect((error as Error).message).not.toContain(wrongKey);
  });

  it('uses the api-key header for Azure and answers the configured deployments', async () => {
    const client = new ChatCompletionClient({ fetch });
    const base = server.url.replace(/\/v1$/, '');
    const models = await client.listModels(
      { presetId: 'azure', baseUrl: base, authStyle: 'api-key', models: ['my-deployment'] },
      KEY,
    );
    expect(models).toEqual(['my-deployment']);
    expect(server.requests.at(-1)?.path).toBe('/openai/models?api-version=2024-10-21');
    expect(server.requests.at(-1)?.headers['api-key']).toBe(KEY);
  });
});

/** Iterates a stream in the background; `when` resolves once an event passes the test. */
function consume(stream: ChatCompletionStream) {
  const events: ChatStreamEvent[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const done = (async () => {
    for await (const event of stream) {
      events.push(event);
      waiters.splice(0).forEach((wake) => wake());
    }
    ended = true;
    return events;
  })();
  return {
    events,
    done,
    get ended() {
      return ended;
    },
    text: () => events.map((e) => (e.type === 'text' ? e.text : '')).join(''),
    async when(test: (events: ChatStreamEvent[]) => boolean): Promise<void> {
      while (!test(events)) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

describe('ChatCompletionStream timing, on a fake clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up on a stalled stream after exactly the idle timeout since the last byte', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const body = new ControlledBody();
    const run = consume(streamOver(body, { idleTimeoutMs: 300 }));
    await vi.advanceTimersByTimeAsync(100);
    body.send(sseChunk({ content: 'Partial ' }) + sseChunk({ content: 'answer' }));
    await run.when(() => run.text() === 'Partial answer');
    // The idle timer first fires at 300 ms, finds a byte 200 ms old, and waits the remaining 100 ms.
    await vi.advanceTimersByTimeAsync(299);
    expect(run.ended).toBe(false);
    expect(body.cancelled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const last = (await run.done).at(-1);
    expect(last).toMatchObject({ type: 'error', error: { code: 'timeout', partialText: 'Partial answer' } });
    expect(last?.type === 'error' && last.error.message).toMatch(
      /stalled: nothing arrived from 127\.0\.0\.1:9 for 300 ms/,
    );
    expect(body.cancelled).toBe(true);
  });

  it('keeps a drip that never pauses for the idle timeout alive, however long it takes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const body = new ControlledBody();
    const run = consume(streamOver(body, { idleTimeoutMs: 300 }));
    const bytes = [...(sseChunk({ content: 'ok' }) + SSE_END)];
    for (const byte of bytes) {
      await vi.advanceTimersByTimeAsync(299);
      body.send(byte);
    }
    body.end();
    const events = await run.done;
    expect(events.at(-1)?.type).toBe('done');
    expect(run.text()).toBe('ok');
    // Far longer than the idle timeout in all.
    expect(performance.now()).toBeGreaterThan(299 * bytes.length - 1);
  });

  it('gives up when no answer arrives within the connect timeout, and not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let signal: AbortSignal | undefined;
    const neverAnswers: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        signal = init?.signal ?? undefined;
        signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
      });
    const client = new ChatCompletionClient({ fetch: neverAnswers, connectTimeoutMs: 200 });
    const run = consume(client.stream({ provider: FAKE_PROVIDER, apiKey: KEY, model: 'm', messages: [] }));
    await vi.advanceTimersByTimeAsync(199);
    expect(run.ended).toBe(false);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const last = (await run.done).at(-1);
    expect(last).toMatchObject({ type: 'error', error: { code: 'timeout' } });
    expect(last?.type === 'error' && last.error.message).toBe('No answer from 127.0.0.1:9 within 200 ms.');
    expect(signal?.aborted).toBe(true);
  });

  it('ends at once on cancel, even while a read is waiting for bytes that never come', async () => {
    const body = new ControlledBody();
    const controller = new AbortController();
    const run = consume(streamOver(body, { signal: controller.signal }));
    body.send(sseChunk({ content: 'so far' }));
    await run.when(() => run.text() === 'so far');
    // No timer runs and no byte arrives from here: only the abort can end the stream.
    controller.abort();
    const last = (await run.done).at(-1);
    expect(last).toMatchObject({ type: 'error', error: { code: 'cancelled', partialText: 'so far' } });
    expect(body.cancelled).toBe(true);
  });

  it('keeps the reply text once, in the stream: what it reads while streaming, and what an error carries', async () => {
    const body = new ControlledBody();
    const stream = streamOver(body);
    const run = consume(stream);
    body.send(sseChunk({ content: 'Hello' }) + sseChunk({ reasoning_content: 'thinking' }));
    await run.when((events) => events.some((e) => e.type === 'reasoning'));
    expect(stream.text).toBe('Hello');
    expect(stream.reasoning).toBe('thinking');
    body.send(sseChunk({ content: ', world' }));
    await run.when(() => run.text() === 'Hello, world');
    expect(stream.text).toBe('Hello, world');
    body.end();
    const last = (await run.done).at(-1);
    expect(last?.type === 'error' && last.error.partialText).toBe(stream.text);
  });
});

describe('ChatCompletionStream over a Response body', () => {
  it('answers a body the server never sends as a protocol error', async () => {
    const client = new ChatCompletionClient({
      fetch: async () => new Response(null, { headers: { 'content-type': 'text/event-stream' } }),
    });
    const run = consume(client.stream({ provider: FAKE_PROVIDER, apiKey: KEY, model: 'm', messages: [] }));
    expect((await run.done).at(-1)).toMatchObject({ type: 'error', error: { code: 'protocol' } });
  });

  it('reads the body a fetch hands over', async () => {
    const out = consume(streamOver([sseChunk({ content: 'one' }), sseChunk({ content: ' two' }) + SSE_END]));
    expect((await out.done).at(-1)?.type).toBe('done');
    expect(out.text()).toBe('one two');
    expect(eventStreamResponse(new ControlledBody().stream).headers.get('content-type')).toMatch(/event-stream/);
  });
});

describe('the raw log and the key', () => {
  const FAKE_KEY = 'sk-fake-0123456789abcdef';

  it('scrubs the key from events and comments wherever the reads split it, and leaves other entries as sent', async () => {
    // Each body echoes the key once, so no later read gives it away whole.
    const echoes: Array<[string, string]> = [
      [`: echo ${FAKE_KEY}\n\n`, 'echo [redacted]'],
      [sseChunk({ content: `you said ${FAKE_KEY}` }), 'you said [redacted]'],
      [`data: first line\ndata: ${FAKE_KEY} on the second\n\n`, 'first line\n[redacted] on the second'],
    ];
    for (const [echo, logged] of echoes) {
      const body = ': hello\n\n' + sseChunk({ content: 'Bearer abc is not a key' }) + echo + SSE_END;
      const at = body.indexOf(FAKE_KEY);
      // Whole, and cut at every character across the key.
      for (const cut of [0, ...Array.from({ length: FAKE_KEY.length + 2 }, (_, i) => at - 1 + i)]) {
        const stream = streamOver(cut === 0 ? [body] : [body.slice(0, cut), body.slice(cut)]);
        await consume(stream).done;
        const data = stream.entries.map((entry) => entry.data);
        expect(JSON.stringify(data)).not.toContain(FAKE_KEY);
        expect(data).toContain('hello');
        expect(data.some((d) => d.includes('Bearer abc is not a key'))).toBe(true);
        expect(data.some((d) => d.includes(logged))).toBe(true);
      }
    }
  });

  it('scrubs the key when it arrives one byte per read', async () => {
    const body = sseChunk({ content: `key ${FAKE_KEY} here` }) + SSE_END;
    const stream = streamOver([...new TextEncoder().encode(body)].map((byte) => new Uint8Array([byte])));
    await consume(stream).done;
    expect(JSON.stringify(stream.entries)).not.toContain(FAKE_KEY);
    expect(JSON.stringify(stream.entries)).toContain('key [redacted] here');
  });
});
