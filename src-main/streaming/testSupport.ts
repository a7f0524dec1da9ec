/**
 * Helpers for tests and benchmarks of the streaming path: a body that arrives
 * in the reads it is given, behind a real `Response`, as `fetch` would hand it
 * over. Not used by the app.
 */
import type { ChatMessage, ProviderConfig } from '../providers/requestBuilder';
import {
  ChatCompletionClient,
  type ChatCompletionClientOptions,
  type ChatCompletionStream,
} from './ChatCompletionClient';

const encoder = new TextEncoder();

/** A readable body that hands out one read per pull, in order, then ends. */
export function bodyOf(reads: ReadonlyArray<Uint8Array | string>): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = reads[index++];
      if (next === undefined) controller.close();
      else controller.enqueue(typeof next === 'string' ? encoder.encode(next) : next);
    },
  });
}

/**
 * A body the test feeds by hand, to play a server that is slow, stalls or never finishes.
 * `cancelled` tells whether the client closed it.
 */
export class ControlledBody {
  readonly stream: ReadableStream<Uint8Array>;
  cancelled = false;
  private controller!: ReadableStreamDefaultController<Uint8Array>;

  constructor() {
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.cancelled = true;
      },
    });
  }

  /** Sends the next read. */
  send(text: string): void {
    this.controller.enqueue(encoder.encode(text));
  }

  /** Ends the body normally. */
  end(): void {
    this.controller.close();
  }
}

/** A `200 text/event-stream` response with the given body. */
export function eventStreamResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

/** A provider that needs a key and a URL no request ever reaches: `fetch` is always a fake here. */
export const FAKE_PROVIDER: ProviderConfig = {
  presetId: 'openai',
  baseUrl: 'http://127.0.0.1:9/v1',
  authStyle: 'bearer',
};
const FAKE_MESSAGES: ChatMessage[] = [{ role: 'user', content: 'hello' }];

/** One SSE event holding an OpenAI chunk: `delta` for the first choice, and a finish reason if given. */
export function sseChunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  const chunk = { object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The end of a normal reply: a finish reason, then `[DONE]`. */
export const SSE_END = `${sseChunk({}, 'stop')}data: [DONE]\n\n`;

/**
 * The app's streaming path over a body that arrives in `reads` (or as a test sends it): the
 * client, its raw log on, given a fetch that answers with that body.
 */
export function streamOver(
  reads: ReadonlyArray<Uint8Array | string> | ControlledBody,
  options: Partial<ChatCompletionClientOptions> & { signal?: AbortSignal } = {},
): ChatCompletionStream {
  const { signal, ...clientOptions } = options;
  const body = (): ReadableStream<Uint8Array> => (reads instanceof ControlledBody ? reads.stream : bodyOf(reads));
  const client = new ChatCompletionClient({ fetch: async () => eventStreamResponse(body()), ...clientOptions });
  return client.stream({
    provider: FAKE_PROVIDER,
    apiKey: 'sk-fake-0123456789abcdef',
    model: 'fake-model',
    messages: FAKE_MESSAGES,
    ...(signal ? { signal } : {}),
  });
}
