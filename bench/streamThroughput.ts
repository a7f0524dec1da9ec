/**
 * Stream decoding throughput: a synthetic OpenAI chat completion stream, cut into
 * seeded random reads of 1–16 KiB, decoded three ways side by side:
 * (a) the path the app runs — `ChatCompletionClient.stream` with its raw log on,
 * (b) eventsource-parser + JSON.parse alone (the floor), (c) the official `openai`
 * package's `Stream.fromSSEResponse`. Each path reads the same reads from a real
 * `Response` body, as `fetch` hands one over. Prints figures; asserts nothing.
 *
 * Two streams: 50 MB, the measure, of which the raw log keeps only the start (its
 * cap is 6 MiB); and 5 MB, a long reply that the log keeps whole, as it keeps every real one.
 *
 * On these shared machines one 50 MB pass takes anywhere from 0.5 to 0.9 s for the
 * same work, so the paths take turns, each after a full collection (otherwise a path
 * pays for the garbage of the one before it), and the figures are medians of the rounds.
 *
 * Run: `node --expose-gc --import tsx bench/streamThroughput.ts`
 */
import { createParser } from 'eventsource-parser';
import { Stream } from 'openai/streaming';
import { ChatCompletionClient } from '../src-main/streaming/ChatCompletionClient';
import { bodyOf, eventStreamResponse, FAKE_PROVIDER } from '../src-main/streaming/testSupport';
import { median } from './stats';

/** The two streams: bytes, and rounds (more for the short one, whose rounds swing more). */
const STREAMS = [
  { bytes: 50 * 1024 * 1024, runs: 11, what: 'the log keeps its first 6 MiB' },
  { bytes: 5 * 1024 * 1024, runs: 41, what: 'a reply the log keeps whole' },
] as const;
const SEED = 0x5eed;

/** Deterministic PRNG (mulberry32), so every run sees the same reads. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  ' the',
  ' stream',
  ' flows',
  ' quickly',
  ',',
  ' こんにちは',
  ' 世界',
  ' 🌸',
  '\n\n',
  ' `code`',
  ' **bold**',
  ' and',
];

/** Builds the body and its reads. */
function buildCorpus(targetBytes: number): { reads: Uint8Array[]; bytes: number; events: number; text: number } {
  const random = mulberry32(SEED);
  const parts: string[] = [];
  let size = 0;
  let events = 0;
  let text = 0;
  const head =
    '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_bench","choices":[{"index":0,"delta":{"content":';
  while (size < targetBytes - 1024) {
    const word = WORDS[Math.floor(random() * WORDS.length)] as string;
    const event = `data: ${head}${JSON.stringify(word)}},"logprobs":null,"finish_reason":null}]}\n\n`;
    parts.push(event);
    size += Buffer.byteLength(event);
    events++;
    text += word.length;
  }
  parts.push(
    `data: ${head}""},"logprobs":null,"finish_reason":"stop"}]}\n\n`,
    'data: {"id":"chatcmpl-bench","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}\n\n',
    'data: [DONE]\n\n',
  );
  events += 3;
  const body = new TextEncoder().encode(parts.join(''));
  const reads: Uint8Array[] = [];
  for (let offset = 0; offset < body.length;) {
    const n = 1024 + Math.floor(random() * (15 * 1024 + 1));
    // Copies, so that no path benefits from views into one shared buffer.
    reads.push(body.slice(offset, offset + n));
    offset += n;
  }
  return { reads, bytes: body.length, events, text };
}

type Path = (reads: Uint8Array[]) => Promise<number>;

/**
 * (a) The app's path: the client's one read loop over a `fetch` answer — bytes → SSE events
 * (each read kept for the raw log, up to its default cap) → typed events. Returns the text length.
 */
const appPath: Path = async (reads) => {
  let chars = 0;
  const client = new ChatCompletionClient({ fetch: async () => eventStreamResponse(bodyOf(reads)) });
  const stream = client.stream({
    provider: FAKE_PROVIDER,
    apiKey: 'sk-bench-0123456789abcdef',
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Tell me about streams.' }],
  });
  for await (const event of stream) {
    if (event.type === 'text') chars += event.text.length;
  }
  return chars;
};

/** (b) The floor: TextDecoder + eventsource-parser + JSON.parse over the same body, nothing else. */
const parserOnly: Path = async (reads) => {
  let chars = 0;
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent: (e) => {
      if (e.data === '[DONE]') return;
      const chunk = JSON.parse(e.data) as { choices: Array<{ delta?: { content?: string } }> };
      const content = chunk.choices[0]?.delta?.content;
      if (typeof content === 'string') chars += content.length;
    },
  });
  const reader = bodyOf(reads).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return chars;
};

/** (c) The official SDK's SSE decoding, given the same body: no network needed. */
const openaiSdk: Path = async (reads) => {
  let chars = 0;
  const response = eventStreamResponse(bodyOf(reads));
  const stream = Stream.fromSSEResponse<{ choices: Array<{ delta?: { content?: string } }> }>(
    response,
    new AbortController(),
  );
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta?.content;
    if (typeof content === 'string') chars += content.length;
  }
  return chars;
};

interface Figures {
  name: string;
  ms: number[];
}

/** A full collection between timed runs; `npm run bench` starts Node with `--expose-gc`. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run the benchmark with node --expose-gc (npm run bench does).');
  gc();
}

/** Runs the benchmark on both streams and returns the printed report. */
export async function runStreamThroughputBench(): Promise<string> {
  const reports: string[] = [];
  for (const stream of STREAMS) reports.push(await measure(buildCorpus(stream.bytes), stream.runs, stream.what));
  return reports.join('\n');
}

async function measure(corpus: ReturnType<typeof buildCorpus>, runs: number, what: string): Promise<string> {
  const mb = corpus.bytes / (1024 * 1024);
  const paths: Array<[string, Path]> = [
    ['(a) the app: ChatCompletionClient.stream', appPath],
    ['(b) eventsource-parser + JSON.parse', parserOnly],
    ['(c) openai Stream.fromSSEResponse', openaiSdk],
  ];
  const figures: Figures[] = paths.map(([name]) => ({ name, ms: [] }));
  // Warm-up (two rounds, so the JIT has settled), and a check that all three paths see the same text.
  for (let round = 0; round < 2; round++) {
    for (const [name, path] of paths) {
      const chars = await path(corpus.reads);
      if (chars !== corpus.text) throw new Error(`${name} decoded ${chars} characters, expected ${corpus.text}`);
    }
  }
  // Interleaved, so that drift (thermal, other load) touches every path alike; the order
  // rotates each round so that no path always follows the same one.
  for (let run = 0; run < runs; run++) {
    for (let turn = 0; turn < paths.length; turn++) {
      const index = (turn + run) % paths.length;
      const path = paths[index]?.[1] as Path;
      collectGarbage();
      const started = performance.now();
      await path(corpus.reads);
      figures[index]?.ms.push(performance.now() - started);
    }
  }
  const lines = [
    `Stream throughput: ${mb.toFixed(1)} MiB (${what}), ${corpus.events.toLocaleString('en')} events, ` +
      `${corpus.reads.length.toLocaleString('en')} reads of 1–16 KiB (seed ${SEED}), median of ${runs} (min–max)`,
  ];
  for (const f of figures) {
    const perSecond = (ms: number): number => (mb * 1000) / ms;
    const eventsPerSecond = (corpus.events * 1000) / median(f.ms);
    lines.push(
      `  ${f.name.padEnd(42)} ${perSecond(median(f.ms)).toFixed(1).padStart(7)} MiB/s ` +
        `(${perSecond(Math.max(...f.ms)).toFixed(1)}–${perSecond(Math.min(...f.ms)).toFixed(1)})  ` +
        `${(eventsPerSecond / 1e6).toFixed(2)} M events/s`,
    );
  }
  // Throughput ratios per interleaved run, then the median: paired runs cancel most machine drift.
  const [fa, fb, fc] = figures;
  if (fa && fb && fc) {
    const ratio = (x: Figures, y: Figures): number => median(x.ms.map((ms, i) => (y.ms[i] ?? ms) / ms));
    lines.push(
      `  throughput ratio (a)/(b) = ${ratio(fa, fb).toFixed(2)} (target ≥ 0.90); (a)/(c) = ${ratio(fa, fc).toFixed(2)}` +
        ` (medians of per-run ratios)`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runStreamThroughputBench());
}
