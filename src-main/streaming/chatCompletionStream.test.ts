import { describe, expect, it } from 'vitest';
import { mapUsage, type ChatStreamEvent } from './chatCompletionStream';
import { streamOver } from './testSupport';

const encoder = new TextEncoder();

/** Splits the encoded body into reads of `size` bytes, cutting through characters. */
function everyNBytes(body: string, size: number): Uint8Array[] {
  const bytes = encoder.encode(body);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function collect(parts: Array<string | Uint8Array>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const e of streamOver(parts)) events.push(e);
  return events;
}

function textOf(events: ChatStreamEvent[], type: 'text' | 'reasoning' | 'refusal' = 'text'): string {
  return events
    .filter((e): e is { type: typeof type; text: string } => e.type === type)
    .map((e) => e.text)
    .join('');
}

function last(events: ChatStreamEvent[]): ChatStreamEvent {
  const e = events.at(-1);
  if (!e) throw new Error('no events');
  return e;
}

const sse = (obj: unknown): string => `data: ${JSON.stringify(obj)}\n\n`;
const delta = (d: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  sse({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'm',
    choices: [{ index: 0, delta: d, finish_reason: finish }],
    ...extra,
  });

describe('chat completion decoding, through the stream the app reads', () => {
  it('decodes an OpenAI stream with role chunk, content, finish and include_usage chunk', async () => {
    const body =
      delta({ role: 'assistant', content: '' }, null, { usage: null }) +
      delta({ content: 'Hello' }, null, { usage: null }) +
      delta({ content: ', world' }, null, { usage: null }) +
      delta({}, 'stop', { usage: null }) +
      sse({
        id: 'chatcmpl-1',
        choices: [],
        usage: {
          prompt_tokens: 9,
          completion_tokens: 3,
          total_tokens: 12,
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      }) +
      'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(textOf(events)).toBe('Hello, world');
    // Both deltas came in one read, so they arrive as one event.
    expect(events.map((e) => e.type)).toEqual(['text', 'finish', 'usage', 'done']);
    expect(last(events)).toEqual({
      type: 'done',
      finishReason: 'stop',
      refusal: '',
      toolCalls: [],
      usage: { promptTokens: 9, completionTokens: 3, totalTokens: 12, reasoningTokens: 0 },
      metrics: expect.objectContaining({ durationMs: expect.any(Number), tokens: 3 }),
    });
  });

  it('merges consecutive deltas of one read into one event, in order, and keeps reads apart', async () => {
    const events = await collect([
      delta({ content: 'A' }),
      delta({ content: 'B' }) +
        delta({ content: 'C' }) +
        delta({ reasoning_content: 'r1' }) +
        delta({ reasoning: 'r2' }),
      delta({ content: 'D' }) + delta({ refusal: 'no' }) + delta({ content: 'E' }) + delta({}, 'stop'),
      'data: [DONE]\n\n',
    ]);
    expect(events.slice(0, -1)).toEqual([
      { type: 'text', text: 'A' },
      { type: 'text', text: 'BC' },
      { type: 'reasoning', text: 'r1r2' },
      { type: 'text', text: 'D' },
      { type: 'refusal', text: 'no' },
      { type: 'text', text: 'E' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(last(events).type).toBe('done');
  });

  it('emits held-back text before an error that ends the same read, and keeps it as partial text', async () => {
    const events = await collect([
      delta({ content: 'kept ' }) + delta({ content: 'text' }) + sse({ error: { message: 'boom' } }),
    ]);
    expect(events.map((e) => e.type)).toEqual(['text', 'error']);
    const end = last(events);
    expect(end.type === 'error' && end.error.partialText).toBe('kept text');
  });

  it('skips Azure’s first chunk with prompt_filter_results and empty choices, and content-filter annotations', async () => {
    const body =
      sse({
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [
          { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
        ],
      }) +
      delta({ role: 'assistant', content: '' }) +
      delta({ content: 'Hi' }) +
      sse({
        choices: [{ index: 0, delta: {}, finish_reason: null, content_filter_offsets: { start_offset: 0 } }],
      }) +
      delta({}, 'stop') +
      'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(events.map((e) => e.type)).toEqual(['text', 'finish', 'done']);
    expect(textOf(events)).toBe('Hi');
  });

  it('ignores OpenRouter processing comments', async () => {
    const body =
      ': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n' +
      delta({ content: 'ok' }) +
      delta({}, 'stop') +
      sse({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }) +
      'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(events.map((e) => e.type)).toEqual(['text', 'finish', 'usage', 'done']);
  });

  it('separates DeepSeek reasoning_content and OpenRouter-style reasoning from content', async () => {
    const body =
      delta({ role: 'assistant', content: null, reasoning_content: 'Let me ' }) +
      delta({ content: null, reasoning_content: 'think.' }) +
      delta({ content: 'Answer', reasoning: null }) +
      delta({ reasoning: ' more' }) +
      delta({}, 'stop') +
      sse({
        choices: [],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 10,
          total_tokens: 15,
          completion_tokens_details: { reasoning_tokens: 7 },
        },
      }) +
      'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(textOf(events, 'reasoning')).toBe('Let me think. more');
    expect(textOf(events)).toBe('Answer');
    const done = last(events);
    expect(done.type === 'done' && done.usage?.reasoningTokens).toBe(7);
  });

  it('reads Groq usage from x_groq.usage', async () => {
    const body =
      delta({ content: 'fast' }, null, { x_groq: { id: 'req_1' } }) +
      delta({}, 'stop', {
        x_groq: { id: 'req_1', usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 } },
      }) +
      'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(events.find((e) => e.type === 'usage')).toEqual({
      type: 'usage',
      usage: { promptTokens: 4, completionTokens: 1, totalTokens: 5 },
    });
  });

  it('decodes Ollama’s OpenAI-compatible stream', async () => {
    const body =
      'data: {"id":"chatcmpl-42","object":"chat.completion.chunk","created":1,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}\n\n' +
      'data: {"id":"chatcmpl-42","object":"chat.completion.chunk","created":1,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"lo"},"finish_reason":null}]}\n\n' +
      'data: {"id":"chatcmpl-42","object":"chat.completion.chunk","created":1,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}\n\n' +
      'data: {"id":"chatcmpl-42","object":"chat.completion.chunk","created":1,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":26,"completion_tokens":2,"total_tokens":28}}\n\n' +
      'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(textOf(events)).toBe('Hello');
    expect(last(events)).toMatchObject({ type: 'done', finishReason: 'stop', usage: { totalTokens: 28 } });
  });

  it('handles CRLF bodies split between CR and LF', async () => {
    const body = (delta({ content: 'a' }) + delta({ content: 'b' }, 'stop') + 'data: [DONE]\n\n').replace(
      /\n/g,
      '\r\n',
    );
    for (const size of [1, 2, 3, 7, 64]) {
      const events = await collect(everyNBytes(body, size));
      expect(textOf(events), `reads of ${size}`).toBe('ab');
      expect(last(events).type).toBe('done');
    }
  });

  it('keeps Japanese and emoji intact when reads split their bytes', async () => {
    const words = ['こんにちは', '、', '世界', '！', ' 🌸', '👨‍👩‍👧‍👦', ' 寿司🍣'];
    const body = words.map((w) => delta({ content: w })).join('') + delta({}, 'stop') + 'data: [DONE]\n\n';
    for (const size of [1, 2, 5, 13]) {
      const events = await collect(everyNBytes(body, size));
      expect(textOf(events)).toBe(words.join(''));
      expect(textOf(events)).not.toContain('\uFFFD');
    }
  });

  it('accumulates tool calls by index', async () => {
    const body =
      delta({
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }],
      }) +
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }) +
      delta({
        tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }],
      }) +
      delta({ tool_calls: [{ index: 0, function: { arguments: '"Tokyo"}' } }] }) +
      delta({}, 'tool_calls') +
      'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(events.filter((e) => e.type === 'tool-call')).toHaveLength(4);
    expect(last(events)).toMatchObject({
      type: 'done',
      finishReason: 'tool_calls',
      toolCalls: [
        { index: 0, id: 'call_a', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
        { index: 1, id: 'call_b', name: 'get_time', arguments: '{}' },
      ],
    });
  });

  it('collects refusal text separately', async () => {
    const body =
      delta({ refusal: 'I can’t ' }) + delta({ refusal: 'help with that.' }) + delta({}, 'stop') + 'data: [DONE]\n\n';
    const events = await collect([body]);
    expect(textOf(events, 'refusal')).toBe('I can’t help with that.');
    expect(textOf(events)).toBe('');
    expect(last(events)).toMatchObject({ type: 'done', refusal: 'I can’t help with that.' });
  });

  it('turns a mid-stream error object into an upstream error with the partial text', async () => {
    const body =
      delta({ content: 'Partial ' }) +
      delta({ content: 'answer' }) +
      sse({ error: { message: 'Provider overloaded, please retry', code: 502 } }) +
      delta({ content: 'ignored' });
    const events = await collect([body]);
    const end = last(events);
    expect(end.type).toBe('error');
    if (end.type !== 'error') return;
    expect(end.error.code).toBe('upstream');
    expect(end.error.message).toContain('Provider overloaded, please retry');
    expect(end.error.partialText).toBe('Partial answer');
    expect(textOf(events)).toBe('Partial answer');
  });

  it('turns `event: error` into an upstream error', async () => {
    const events = await collect([delta({ content: 'x' }) + 'event: error\ndata: {"message":"quota exceeded"}\n\n']);
    expect(last(events)).toMatchObject({ type: 'error', error: { code: 'upstream', partialText: 'x' } });
    const end = last(events);
    expect(end.type === 'error' && end.error.message).toContain('quota exceeded');
  });

  it('reports non-JSON data as a protocol error', async () => {
    const events = await collect([delta({ content: 'a' }) + 'data: <html>oops</html>\n\n']);
    expect(last(events)).toMatchObject({ type: 'error', error: { code: 'protocol', partialText: 'a' } });
  });

  it('ends at [DONE] and ignores anything after it', async () => {
    const events = await collect([delta({ content: 'a' }, 'stop') + 'data: [DONE]\n\n' + delta({ content: 'late' })]);
    expect(textOf(events)).toBe('a');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
  });

  it('treats a body that ends without [DONE] or finish reason as cut off', async () => {
    const events = await collect([delta({ content: 'half' })]);
    expect(last(events)).toMatchObject({ type: 'error', error: { code: 'network', partialText: 'half' } });
  });

  it('accepts a body that ends without [DONE] after a finish reason', async () => {
    const events = await collect([delta({ content: 'whole' }, 'stop')]);
    expect(last(events)).toMatchObject({ type: 'done', finishReason: 'stop' });
  });

  it('turns an oversized line into a protocol error instead of buffering forever', async () => {
    const parts: string[] = ['data: "'];
    for (let i = 0; i < 80; i++) parts.push('x'.repeat(64 * 1024));
    const events: ChatStreamEvent[] = [];
    for await (const e of streamOver(parts, { maxEventChars: 1024 * 1024 })) events.push(e);
    expect(last(events)).toMatchObject({ type: 'error', error: { code: 'protocol' } });
  });
});

describe('mapUsage', () => {
  it('maps counts and ignores empty or invalid usage', () => {
    expect(mapUsage({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 })).toEqual({
      promptTokens: 1,
      completionTokens: 2,
      totalTokens: 3,
    });
    expect(mapUsage({})).toBeNull();
    expect(mapUsage(null)).toBeNull();
    expect(mapUsage({ prompt_tokens: 'x', completion_tokens: -1 })).toBeNull();
  });
});
