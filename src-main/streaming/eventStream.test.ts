import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventStreamDecoder, EventStreamOverflowError } from './eventStream';

interface Seen {
  events: Array<{ event: string; data: string; id: string }>;
  retries: number[];
  comments: string[];
}

const encoder = new TextEncoder();

function bytesOf(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? encoder.encode(input) : input;
}

/** Decodes `bytes` delivered as the given reads. */
function decodeReads(reads: Uint8Array[]): Seen {
  const seen: Seen = { events: [], retries: [], comments: [] };
  const decoder = createEventStreamDecoder(
    (e) => seen.events.push(e),
    (ms) => seen.retries.push(ms),
    { onComment: (c) => seen.comments.push(c) },
  );
  for (const read of reads) decoder.push(read);
  decoder.end();
  return seen;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const reads: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reads.push(bytes.subarray(start, cut));
    start = cut;
  }
  reads.push(bytes.subarray(start));
  return reads;
}

/** Asserts the expected result for the whole body, every two-read split, and one-byte reads. */
function expectEverySplit(input: string | Uint8Array, expected: Partial<Seen>): void {
  const bytes = bytesOf(input);
  const check = (reads: Uint8Array[], label: string): void => {
    const seen = decodeReads(reads);
    for (const key of Object.keys(expected) as Array<keyof Seen>) {
      expect(seen[key], `${label}: ${key}`).toEqual(expected[key]);
    }
  };
  check([bytes], 'whole');
  for (let cut = 0; cut <= bytes.length; cut++) check(splitAt(bytes, [cut]), `split at ${cut}`);
  check(
    Array.from(bytes, (b) => Uint8Array.of(b)),
    'one-byte reads',
  );
}

const msg = (data: string, id = '', event = 'message') => ({ event, data, id });

describe('createEventStreamDecoder', () => {
  it('dispatches a simple event with the default type `message`', () => {
    expectEverySplit('data: hello\n\n', { events: [msg('hello')] });
  });

  it('joins several data lines with LF', () => {
    expectEverySplit('data: a\ndata: b\ndata:\ndata: c\n\n', { events: [msg('a\nb\n\nc')] });
  });

  it('dispatches an event whose only data line is empty', () => {
    expectEverySplit('data\n\ndata:\n\n', { events: [msg(''), msg('')] });
  });

  it('accepts LF, CR and CRLF line endings, mixed, with CR and LF split across reads', () => {
    expectEverySplit('data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\ndata: e\n\r', {
      events: [msg('a'), msg('b'), msg('c'), msg('d'), msg('e')],
    });
  });

  it('treats CRLF as one line ending, never as an empty line', () => {
    expectEverySplit('data: a\r\ndata: b\r\n\r\n', { events: [msg('a\nb')] });
  });

  it('removes exactly one space after the colon', () => {
    expectEverySplit('data:no-space\n\ndata:  two spaces\n\ndata:\tTab\n\n', {
      events: [msg('no-space'), msg(' two spaces'), msg('\tTab')],
    });
  });

  it('keeps colons in the value', () => {
    expectEverySplit('data: {"a":"b:c"}\n\n', { events: [msg('{"a":"b:c"}')] });
  });

  it('reports comments and dispatches nothing for them', () => {
    expectEverySplit(': keep-alive\n:\n:no space\n: OPENROUTER PROCESSING\n\ndata: x\n\n', {
      events: [msg('x')],
      comments: ['keep-alive', '', 'no space', 'OPENROUTER PROCESSING'],
    });
  });

  it('treats a line without a colon as a field with an empty value', () => {
    expectEverySplit('event\ndata\n\nid\ndata: y\n\n', { events: [msg(''), msg('y')] });
  });

  it('uses the event field as the type, and `message` when it is empty', () => {
    expectEverySplit('event: error\ndata: 1\n\nevent:\ndata: 2\n\ndata: 3\n\n', {
      events: [msg('1', '', 'error'), msg('2'), msg('3')],
    });
  });

  it('resets the event type after each dispatch, even for a block without data', () => {
    expectEverySplit('event: ping\n\ndata: after\n\n', { events: [msg('after')] });
  });

  it('carries the last event ID to later events', () => {
    expectEverySplit('id: 1\ndata: a\n\ndata: b\n\nid: 2\n\ndata: c\n\nid\ndata: d\n\n', {
      events: [msg('a', '1'), msg('b', '1'), msg('c', '2'), msg('d', '')],
    });
  });

  it('ignores an id containing U+0000', () => {
    expectEverySplit('id: 7\ndata: a\n\nid: x\u0000y\ndata: b\n\n', { events: [msg('a', '7'), msg('b', '7')] });
  });

  it('accepts retry only when it is all ASCII digits', () => {
    expectEverySplit('retry: 1500\nretry: 12a\nretry: -1\nretry: ١٢\nretry:\nretry: 30\ndata: r\n\n', {
      retries: [1500, 30],
      events: [msg('r')],
    });
  });

  it('ignores unknown fields, and field names are case-sensitive', () => {
    expectEverySplit('foo: bar\nData: no\nDATA: no\ndata: yes\nevent : no\n\n', { events: [msg('yes')] });
  });

  it('does not dispatch an unterminated event at the end of the stream', () => {
    expectEverySplit('data: done\n\ndata: unfinished\n', { events: [msg('done')] });
    expectEverySplit('data: done\n\ndata: unfinished', { events: [msg('done')] });
    expectEverySplit('data: done\n\ndata: cr-only\r', { events: [msg('done')] });
  });

  it('strips a BOM only at the very start of the stream', () => {
    expectEverySplit('\uFEFFdata: a\n\n', { events: [msg('a')] });
    // A second BOM belongs to the first line's field name, which then is unknown.
    expectEverySplit('\uFEFF\uFEFFdata: a\n\ndata: b\n\n', { events: [msg('b')] });
    expectEverySplit('data: a\n\n\uFEFFdata: b\n\ndata: c\n\n', { events: [msg('a'), msg('c')] });
    expectEverySplit('data: \uFEFFkept\n\n', { events: [msg('\uFEFFkept')] });
  });

  it('does not mistake text that starts with "ï»¿" for a BOM', () => {
    expectEverySplit('ï»¿data: a\n\ndata: b\n\n', { events: [msg('b')] });
    expectEverySplit('\uFEFFï»¿: c\ndata: b\n\n', { events: [msg('b')], comments: [] });
  });

  it('decodes UTF-8 split inside characters', () => {
    expectEverySplit('data: こんにちは、世界 🌸👩‍👩‍👧\n\n', { events: [msg('こんにちは、世界 🌸👩‍👩‍👧')] });
  });

  it('turns invalid UTF-8 into U+FFFD, including a truncated character at the end', () => {
    const bytes = Uint8Array.of(
      ...encoder.encode('data: a'),
      0xff,
      0xc3,
      ...encoder.encode('b\n\ndata: '),
      0xe3,
      0x81,
      ...encoder.encode('\n\n'),
    );
    expectEverySplit(bytes, { events: [msg('a\uFFFD\uFFFDb'), msg('\uFFFD')] });
    const truncated = Uint8Array.of(...encoder.encode('data: x\n\n'), 0xe3, 0x81);
    expectEverySplit(truncated, { events: [msg('x')] });
  });

  it('throws an overflow error when a line outgrows the buffer limit', () => {
    const decoder = createEventStreamDecoder(() => {}, undefined, { maxBufferChars: 1000 });
    decoder.push(encoder.encode('data: '));
    expect(() => {
      for (let i = 0; i < 20; i++) decoder.push(encoder.encode('x'.repeat(100)));
    }).toThrow(EventStreamOverflowError);
  });

  it('refuses input after end', () => {
    const decoder = createEventStreamDecoder(() => {});
    decoder.end();
    expect(() => decoder.push(encoder.encode('data: x\n\n'))).toThrow(/ended/);
  });
});

/** A direct transcription of the standard's algorithm, run on the whole body at once. */
function referenceDecode(bytes: Uint8Array): Seen {
  const seen: Seen = { events: [], retries: [], comments: [] };
  const text = new TextDecoder('utf-8').decode(bytes);
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // the part after the last line ending is an incomplete line: discarded
  let data = '';
  let type = '';
  let lastId = '';
  for (const line of lines) {
    if (line === '') {
      if (data === '') {
        type = '';
        continue;
      }
      if (data.endsWith('\n')) data = data.slice(0, -1);
      seen.events.push({ event: type || 'message', data, id: lastId });
      data = '';
      type = '';
      continue;
    }
    if (line.startsWith(':')) {
      seen.comments.push(line.slice(line.startsWith(': ') ? 2 : 1));
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data += `${value}\n`;
    else if (field === 'id') {
      if (!value.includes('\u0000')) lastId = value;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) seen.retries.push(Number.parseInt(value, 10));
  }
  return seen;
}

const lineArb = fc.oneof(
  fc.constantFrom('', '', '', ':', ': ping', 'data', 'data:', 'event', 'id', 'retry: 10', 'retry: x1', '\uFEFF'),
  fc
    .tuple(
      fc.constantFrom('data', 'event', 'id', 'retry', 'foo', 'dat', ''),
      fc.constantFrom(':', ': ', ':  ', ''),
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '\u0000', 'é', '日', '😀', '7', '\uFEFF'), maxLength: 6 }),
    )
    .map(([f, sep, v]) => f + sep + v),
);
const endingArb = fc.constantFrom('\n', '\r', '\r\n');
const streamArb = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(lineArb, endingArb), { maxLength: 14 }),
    fc.constantFrom('', 'data: tail', '\r', 'x'),
  )
  .map(([bom, lines, tail]) => (bom ? '\uFEFF' : '') + lines.map(([l, e]) => l + e).join('') + tail);

describe('createEventStreamDecoder properties', () => {
  it('any split of the bytes yields the same events, comments and retries as the standard', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.option(fc.constantFrom(0xff, 0x80, 0xe3), { nil: undefined }),
        (text, rawCuts, badByte) => {
          let bytes = encoder.encode(text);
          if (badByte !== undefined) bytes = Uint8Array.of(...bytes.subarray(0, 3), badByte, ...bytes.subarray(3));
          const cuts = rawCuts.map((c) => c % (bytes.length + 1));
          const expected = referenceDecode(bytes);
          expect(decodeReads(splitAt(bytes, cuts))).toEqual(expected);
          expect(decodeReads([bytes])).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
