/**
 * Sends one streaming chat completion over HTTP and turns it into typed
 * events, with timeouts, cancellation, metrics and a bounded raw log for the
 * inspector. `fetch` is injected: Electron's `net.fetch` in the app, Node's
 * `fetch` in tests.
 */
import type { GenerationParameters, RawStreamEntry, StreamMetrics, Usage } from '../../src-preload/contract/types';
import {
  buildChatRequest,
  buildModelsRequest,
  effectiveQuirks,
  redactHeaders,
  type ChatMessage,
  type HttpRequest,
  type ProviderConfig,
} from '../providers/requestBuilder';
import {
  ChatCompletionEventMapper,
  DEFAULT_MAX_EVENT_CHARS,
  pushGuarded,
  type ChatStreamEvent,
} from './chatCompletionStream';
import {
  errorFromException,
  errorFromResponse,
  errorFromWrongContentType,
  isAbortError,
  scrubSecrets,
  StreamError,
} from './errors';
import { createEventStreamDecoder } from './eventStream';

/** Dependencies and limits of the client. */
export interface ChatCompletionClientOptions {
  fetch: typeof fetch;
  /** Monotonic clock in ms, for metrics and the idle check. */
  now?: () => number;
  /** Time allowed until response headers arrive. Default 60 000 ms (local servers load models first). */
  connectTimeoutMs?: number;
  /** Time allowed without any body bytes. Default 60 000 ms. */
  idleTimeoutMs?: number;
  /** Cap of the raw event log, in characters. Default 6 MiB: a 20,000-token reply of typical chunks fits. */
  maxLogChars?: number;
  /** Longest SSE line or event accepted. Default 4 Mi characters. */
  maxEventChars?: number;
}

/** One streaming request. */
export interface ChatStreamRequest {
  provider: ProviderConfig;
  apiKey: string | null;
  model: string;
  messages: readonly ChatMessage[];
  parameters?: GenerationParameters;
  signal?: AbortSignal;
}

/** Default of both timeouts. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default raw log cap. */
export const DEFAULT_MAX_LOG_CHARS = 6 * 1024 * 1024;
/** How much of an error body is read. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** Per-entry overhead counted against the log cap, so that millions of empty events cannot slip past it. */
const LOG_ENTRY_OVERHEAD = 64;

/** Talks to OpenAI-compatible chat completion endpoints. */
export class ChatCompletionClient {
  private readonly options: Required<ChatCompletionClientOptions>;

  constructor(options: ChatCompletionClientOptions) {
    this.options = {
      now: () => performance.now(),
      connectTimeoutMs: DEFAULT_TIMEOUT_MS,
      idleTimeoutMs: DEFAULT_TIMEOUT_MS,
      maxLogChars: DEFAULT_MAX_LOG_CHARS,
      maxEventChars: DEFAULT_MAX_EVENT_CHARS,
      ...options,
    };
  }

  /**
   * Starts nothing until iterated. The iteration yields the reply's events and ends with
   * exactly one `done` or `error` event (with metrics); it does not throw. Breaking out of
   * the loop aborts the request.
   */
  stream(request: ChatStreamRequest): ChatCompletionStream {
    return new ChatCompletionStream(this.options, request);
  }

  /**
   * Lists model ids with `GET /models`; used to verify a key. Azure lists base models, not
   * deployments, so it answers the configured models once the key is accepted.
   * @throws StreamError, with the key scrubbed from its message
   */
  async listModels(provider: ProviderConfig, apiKey: string | null, signal?: AbortSignal): Promise<string[]> {
    const req = buildModelsRequest(provider, apiKey);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.connectTimeoutMs);
    try {
      if (signal?.aborted) throw new StreamError('cancelled', 'Cancelled.');
      const response = await this.options.fetch(req.url, {
        method: 'GET',
        headers: req.headers,
        signal: controller.signal,
      });
      const text = await readText(response, 4 * 1024 * 1024);
      if (!response.ok) {
        throw errorFromResponse({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: text,
        });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw errorFromWrongContentType(response.status, response.headers.get('content-type'), text);
      }
      if (effectiveQuirks(provider).needsDeployment) return [...(provider.models ?? [])];
      const data = isRecord(json) && Array.isArray(json.data) ? json.data : Array.isArray(json) ? json : null;
      if (!data) throw new StreamError('protocol', 'The model list is not in the OpenAI format.');
      return data
        .map((m: unknown) => (isRecord(m) && typeof m.id === 'string' ? m.id : typeof m === 'string' ? m : null))
        .filter((id): id is string => id !== null)
        .sort();
    } catch (error) {
      let failure: StreamError;
      if (error instanceof StreamError) failure = error;
      else if (timedOut) failure = new StreamError('timeout', `No answer from ${hostOf(req.url)} in time.`);
      else if (signal?.aborted || isAbortError(error)) failure = new StreamError('cancelled', 'Cancelled.');
      else failure = errorFromException(error, hostOf(req.url));
      throw failure.scrubbed([apiKey]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * One streaming reply. Iterate it once; afterwards (or during) read `metrics`,
 * `entries`, `response` and `request` for the inspector.
 */
export class ChatCompletionStream implements AsyncIterable<ChatStreamEvent> {
  /** The request as sent, with secret headers removed. */
  readonly request: { url: string; headers: Record<string, string>; body: string };
  /** The response status and headers (secret ones removed); null status until headers arrive. */
  readonly response: { status: number | null; headers: Record<string, string> } = { status: null, headers: {} };
  readonly metrics: StreamMetrics = {};
  /** Raw SSE events, comments and error bodies, capped at `maxLogChars`. */
  readonly entries: RawStreamEntry[] = [];
  /** True once the raw log hit its cap and dropped entries. */
  truncated = false;
  /** Reply text; complete once iteration has ended. */
  text = '';
  private readonly options: Required<ChatCompletionClientOptions>;
  private readonly input: ChatStreamRequest;
  private readonly httpRequest: HttpRequest;
  private logChars = 0;
  private started = false;

  /** Use {@link ChatCompletionClient.stream}. */
  constructor(options: Required<ChatCompletionClientOptions>, input: ChatStreamRequest) {
    this.options = options;
    this.input = input;
    this.httpRequest = buildChatRequest(input);
    this.request = {
      url: this.httpRequest.url,
      headers: redactHeaders(this.httpRequest.headers),
      body: this.httpRequest.body ?? '',
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatStreamEvent> {
    if (this.started) throw new Error('A chat completion stream can be iterated only once.');
    this.started = true;
    return this.run();
  }

  private log(entry: RawStreamEntry): void {
    if (this.truncated) return;
    // Servers echo a rejected key in their error bodies; the raw log is shown and saved, so it never holds one.
    const key = this.input.apiKey;
    if (key && (entry.type === 'error-body' || entry.data.includes(key))) {
      entry = { ...entry, data: scrubSecrets(entry.data, [key]) };
    }
    const size = entry.data.length + entry.event.length + entry.id.length + LOG_ENTRY_OVERHEAD;
    if (this.logChars + size > this.options.maxLogChars) {
      this.truncated = true;
      return;
    }
    this.logChars += size;
    this.entries.push(entry);
  }

  private async *run(): AsyncGenerator<ChatStreamEvent> {
    const { now, fetch: doFetch, idleTimeoutMs, connectTimeoutMs, maxEventChars } = this.options;
    const callerSignal = this.input.signal;
    const controller = new AbortController();
    const host = hostOf(this.httpRequest.url);
    let abortReason: 'cancelled' | 'connect-timeout' | 'idle-timeout' | null = null;
    const abort = (reason: 'cancelled' | 'connect-timeout' | 'idle-timeout'): void => {
      abortReason ??= reason;
      controller.abort();
    };
    const onCallerAbort = (): void => abort('cancelled');
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

    const startedAt = now();
    const since = (): number => round(now() - startedAt);
    let lastByteAt = startedAt;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One timer, re-armed only when it fires, instead of a clearTimeout/setTimeout per read.
    const armIdle = (ms: number): void => {
      timer = setTimeout(() => {
        const idleFor = now() - lastByteAt;
        if (idleFor >= idleTimeoutMs) abort('idle-timeout');
        else armIdle(idleTimeoutMs - idleFor);
      }, ms);
    };

    const queue: ChatStreamEvent[] = [];
    let terminal: ChatStreamEvent | null = null;
    const mapper = new ChatCompletionEventMapper((event) => {
      if (this.metrics.timeToFirstTokenMs === undefined && isToken(event)) this.metrics.timeToFirstTokenMs = since();
      if (event.type === 'done' || event.type === 'error') terminal = event;
      else queue.push(event);
    });
    // Events are batched per read, so that the generator steps once per event and not per callback.
    function* drain(): Generator<ChatStreamEvent> {
      for (let i = 0; i < queue.length; i++) yield queue[i] as ChatStreamEvent;
      queue.length = 0;
    }
    const decoder = createEventStreamDecoder(
      (event) => {
        this.log({ at: since(), type: 'event', event: event.event, id: event.id, data: event.data });
        if (event.data.length > maxEventChars) mapper.fail('protocol', 'The server sent an event that is too large.');
        else mapper.handle(event);
      },
      undefined,
      {
        maxBufferChars: maxEventChars,
        onComment: (comment) => this.log({ at: since(), type: 'comment', event: '', id: '', data: comment }),
      },
    );

    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let failure: StreamError | null = null;
    try {
      if (callerSignal?.aborted) abortReason = 'cancelled';
      else {
        timer = setTimeout(() => abort('connect-timeout'), connectTimeoutMs);
        const response = await doFetch(this.httpRequest.url, {
          method: 'POST',
          headers: this.httpRequest.headers,
          body: this.httpRequest.body ?? null,
          signal: controller.signal,
        });
        clearTimeout(timer);
        lastByteAt = now();
        armIdle(idleTimeoutMs);
        this.response.status = response.status;
        this.response.headers = redactHeaders(response.headers);
        const contentType = response.headers.get('content-type');
        if (!response.ok || !isEventStream(contentType)) {
          const body = await readText(response, ERROR_BODY_LIMIT);
          this.log({ at: since(), type: 'error-body', event: '', id: '', data: body });
          failure = response.ok
            ? errorFromWrongContentType(response.status, contentType, body)
            : errorFromResponse({ status: response.status, retryAfter: response.headers.get('retry-after'), body });
        } else if (!response.body) {
          failure = new StreamError('protocol', 'The server answered without a body.', { status: response.status });
        } else {
          reader = response.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            lastByteAt = now();
            this.metrics.timeToFirstByteMs ??= round(lastByteAt - startedAt);
            pushGuarded(decoder, value, mapper);
            mapper.flush();
            yield* drain();
            if (mapper.finished) break;
          }
          if (!mapper.finished) {
            decoder.end();
            mapper.end();
            yield* drain();
          }
        }
      }
    } catch (error) {
      if (abortReason === 'cancelled') failure = new StreamError('cancelled', 'Cancelled.');
      else if (abortReason === 'connect-timeout') {
        failure = new StreamError('timeout', `No answer from ${host} within ${seconds(connectTimeoutMs)}.`);
      } else if (abortReason === 'idle-timeout') {
        failure = new StreamError(
          'timeout',
          `The reply stalled: nothing arrived from ${host} for ${seconds(idleTimeoutMs)}.`,
        );
      } else failure = errorFromException(error, host);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      // Ending early (an error, a consumer that stopped iterating) must not leave the socket open.
      if (reader) reader.cancel().catch(() => {});
      controller.abort();
    }
    if (abortReason === 'cancelled' && !failure) failure = new StreamError('cancelled', 'Cancelled.');

    // The mapper's ending (done, upstream or protocol error) counts unless the transport failed first.
    const ending = failure ? null : (terminal as ChatStreamEvent | null);
    this.finishMetrics(startedAt, mapper);
    if (ending?.type === 'done') {
      yield { ...ending, usage: this.usageOf(mapper), metrics: this.metrics };
      return;
    }
    const error = failure ?? (ending?.type === 'error' ? ending.error : cutOff());
    error.partialText = mapper.text;
    yield { type: 'error', error: error.scrubbed([this.input.apiKey]), metrics: this.metrics };
  }

  private finishMetrics(startedAt: number, mapper: ChatCompletionEventMapper): void {
    this.text = mapper.text;
    const durationMs = round(this.options.now() - startedAt);
    this.metrics.durationMs = durationMs;
    const { completionTokens } = this.usageOf(mapper);
    if (completionTokens === undefined) return;
    this.metrics.tokens = completionTokens;
    const generatingMs = durationMs - (this.metrics.timeToFirstTokenMs ?? 0);
    if (generatingMs > 0 && completionTokens > 0) {
      this.metrics.tokensPerSecond = Math.round((completionTokens / generatingMs) * 10_000) / 10;
    }
  }

  /** The server's usage, or an estimate of ~4 characters per token flagged `estimated`. */
  private usageOf(mapper: ChatCompletionEventMapper): Usage {
    if (mapper.usage?.completionTokens !== undefined) return mapper.usage;
    const chars = mapper.text.length + mapper.reasoning.length + mapper.refusal.length;
    return { ...mapper.usage, completionTokens: Math.ceil(chars / 4), estimated: true };
  }
}

function cutOff(): StreamError {
  return new StreamError('network', 'The connection closed before the reply was complete.');
}

function isToken(event: ChatStreamEvent): boolean {
  return event.type === 'text' || event.type === 'reasoning' || event.type === 'refusal' || event.type === 'tool-call';
}

/** Reads at most `limit` bytes of a body as text, then cancels the rest. */
async function readText(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      text += decoder.decode(value, { stream: true });
      if (bytes >= limit) break;
    }
    return text + decoder.decode();
  } finally {
    reader.cancel().catch(() => {});
  }
}

function isEventStream(contentType: string | null): boolean {
  return contentType !== null && /^\s*text\/event-stream\s*(;|$)/i.test(contentType);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return scrubSecrets(url, []);
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
