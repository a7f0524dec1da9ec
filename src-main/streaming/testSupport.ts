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

/**
 * The app's streaming path over a body that arrives in `reads`: the client, its raw log on,
 * given a fetch that answers with that body.
 */
export function streamOver(
  reads: ReadonlyArray<Uint8Array | string>,
  options: Partial<ChatCompletionClientOptions> & { signal?: AbortSignal } = {},
): ChatCompletionStream {
  const { signal, ...clientOptions } = options;
  const client = new ChatCompletionClient({ fetch: async () => eventStreamResponse(bodyOf(reads)), ...clientOptions });
  return client.stream({
    provider: FAKE_PROVIDER,
    apiKey: 'sk-fake-0123456789abcdef',
    model: 'fake-model',
    messages: FAKE_MESSAGES,
    ...(signal ? { signal } : {}),
  });
}
