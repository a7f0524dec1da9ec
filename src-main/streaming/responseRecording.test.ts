import { describe, expect, it } from 'vitest';
import type { ChatCompletionStream } from './ChatCompletionClient';
import { entriesOfRecordedText, LOG_ENTRY_OVERHEAD, ResponseRecording } from './responseRecording';
import { ControlledBody, SSE_END, sseChunk, streamOver } from './testSupport';

const KEY = 'sk-fake-0123456789abcdef';

async function drain(stream: ChatCompletionStream): Promise<void> {
  for await (const event of stream) void event;
}

/** The entries a stored recording reads back as. */
function readBack(stream: ChatCompletionStream): ReturnType<typeof entriesOfRecordedText> {
  return entriesOfRecordedText(stream.recording.text()!, stream.recording.limits);
}

/** A body with what the log must keep as it came: a BOM, comments, names, ids, CRLF, Japanese and emoji, a multi-line event. */
const WILD_BODY =
  '\uFEFF: hello\r\n\r\n' +
  'event: message\r\nid: 7\r\n' +
  `data: ${JSON.stringify({ choices: [{ delta: { content: 'こんにちは 👋' } }] })}\r\n\r\n` +
  'retry: 1000\n' +
  'data: {"choices":[{"delta":\ndata: {"content":"!"}}]}\n\n' +
  ': ' +
  '長'.repeat(40) +
  '\n\n' +
  sseChunk({ content: ' 世界' }) +
  SSE_END;

/** Every way of cutting the body into two reads, by bytes, so that some cuts fall inside a character or a CRLF. */
function twoReads(body: string): Uint8Array[][] {
  const bytes = new TextEncoder().encode(body);
  return Array.from({ length: bytes.length - 1 }, (_, i) => [bytes.slice(0, i + 1), bytes.slice(i + 1)]);
}

describe('a response recording', () => {
  it('makes the same entries from the reads, and from the text it stores, however the reads were cut', async () => {
    const whole = streamOver([WILD_BODY]);
    await drain(whole);
    const expected = whole.entries.map((entry) => ({ ...entry, at: 0 }));
    const chunk = (text: string) => sseChunk({ content: text }).slice('data: '.length, -2);
    expect(expected).toEqual([
      { at: 0, type: 'comment', event: '', id: '', data: 'hello' },
      {
        at: 0,
        type: 'event',
        event: 'message',
        id: '7',
        data: JSON.stringify({ choices: [{ delta: { content: 'こんにちは 👋' } }] }),
      },
      { at: 0, type: 'event', event: 'message', id: '7', data: '{"choices":[{"delta":\n{"content":"!"}}]}' },
      { at: 0, type: 'comment', event: '', id: '', data: '長'.repeat(40) },
      { at: 0, type: 'event', event: 'message', id: '7', data: chunk(' 世界') },
      { at: 0, type: 'event', event: 'message', id: '7', data: SSE_END.split('\n\n')[0]!.slice('data: '.length) },
      { at: 0, type: 'event', event: 'message', id: '7', data: '[DONE]' },
    ]);

    for (const reads of twoReads(WILD_BODY)) {
      const stream = streamOver(reads);
      await drain(stream);
      const live = stream.entries.map((entry) => ({ ...entry, at: 0 }));
      expect(live).toEqual(expected);
      expect(stream.recording.text()?.ends).toHaveLength(2);
      expect(readBack(stream)).toEqual({ entries: stream.entries, truncated: false });
    }
  });

  it('grows its entries with the stream, each read decoded once, and times each entry by its read', async () => {
    const body = new ControlledBody();
    let now = 40;
    const stream = streamOver(body, { now: () => now });
    const iterator = stream[Symbol.asyncIterator]();
    body.send(sseChunk({ content: 'one' }) + ': still here\n\n' + 'data: {"choices":[{"delta":{"content":');
    await iterator.next();
    const early = stream.entries;
    expect(early.map((entry) => [entry.type, entry.at])).toEqual([
      ['event', 0],
      ['comment', 0],
    ]);
    now = 95;
    body.send('" two"}}]}\n\n' + SSE_END);
    body.end();
    while (!(await iterator.next()).done);
    expect(stream.entries).toBe(early);
    expect(stream.entries.map((entry) => entry.at)).toEqual([0, 0, 55, 55, 55]);
  });

  it('stops keeping reads at its cap, and reads back with the same entries and the same truncation', async () => {
    const events = Array.from({ length: 200 }, (_, i) => sseChunk({ content: `token ${String(i).padStart(3, '0')} ` }));
    // Data, the event's type ('message' when the stream names none), and the overhead.
    const perEntry = events[0]!.length - 'data: \n\n'.length + 'message'.length + LOG_ENTRY_OVERHEAD;
    const stream = streamOver(events, { maxLogChars: perEntry * 20 + 10 });
    await drain(stream);
    expect(stream.truncated).toBe(true);
    expect(stream.entries).toHaveLength(20);
    // One read past the last entry that fits (it held the one that did not); none after it.
    expect(stream.recording.text()?.ends).toHaveLength(21);
    expect(readBack(stream)).toEqual({ entries: stream.entries, truncated: true });
  });

  it('ends the entries where an oversized line stopped the loop, live and read back', async () => {
    const stream = streamOver(
      [sseChunk({ content: 'fine' }), `data: ${'x'.repeat(300)}`, sseChunk({ content: 'never' })],
      {
        maxEventChars: 100,
      },
    );
    await drain(stream);
    expect(stream.entries.map((entry) => entry.data)).toEqual([
      sseChunk({ content: 'fine' }).slice('data: '.length, -2),
    ]);
    expect(readBack(stream).entries).toEqual(stream.entries);
  });

  it('gives no text to store when the body holds the key, plainly or URL-encoded: only entries are stored scrubbed', async () => {
    const stream = streamOver([sseChunk({ content: `you sent ${KEY}` }) + SSE_END]);
    await drain(stream);
    expect(stream.recording.text()).toBeNull();
    expect(JSON.stringify(stream.entries)).not.toContain(KEY);

    const secret = 'sk-ü/key+0123456789';
    const recording = new ResponseRecording({ maxLogChars: 10_000, maxEventChars: 1_000 }, secret);
    recording.keep(new TextEncoder().encode(`data: ${encodeURIComponent(secret)}\n\n`), 5);
    expect(recording.text()).toBeNull();
    expect(JSON.stringify(recording.entries())).not.toContain(encodeURIComponent(secret));
    const clean = new ResponseRecording({ maxLogChars: 10_000, maxEventChars: 1_000 }, secret);
    clean.keep(new TextEncoder().encode('data: nothing secret\n\n'), 5);
    expect(clean.text()).toEqual({ text: 'data: nothing secret\n\n', ends: [22], at: [5] });
  });

  it('keeps an error body as its one entry, scrubbed, and no text', () => {
    const recording = new ResponseRecording({ maxLogChars: 10_000, maxEventChars: 1_000 }, KEY);
    recording.keepErrorBody(`{"error":{"message":"Incorrect API key provided: ${KEY}"}}`, 12);
    expect(recording.entries()).toEqual([
      {
        at: 12,
        type: 'error-body',
        event: '',
        id: '',
        data: '{"error":{"message":"Incorrect API key provided: [redacted]"}}',
      },
    ]);
    expect(recording.text()).toBeNull();
  });
});
