/**
 * Sends one streaming chat completion over HTTP and turns it into typed
 * events, with timeouts, cancellation, metrics and a bounded raw log for the
 * inspector: this is where bytes become tokens. `fetch` is injected: Electron's
 * `net.fetch` in the app, Node's `fetch` in tests.
 */
import type { ElidedPayload, RawStreamEntry, StreamMetrics, Usage } from '../../src-preload/contract/types';
import {
  buildChatRequest,
  buildModelsRequest,
  effectiveQuirks,
  redactHeaders,
  sendsImages,
  type ChatRequestInput,
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
import { createEventStreamDecoder, type EventStreamDecoder } from './eventStream';
import { ResponseRecording } from './responseRecording';

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

/** One streaming request: the request's inputs, and the signal that cancels it. */
export interface ChatStreamRequest extends ChatRequestInput {
  signal?: AbortSignal;
}

/** Default of both timeouts. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default raw log cap. */
export const DEFAULT_MAX_LOG_CHARS = 6 * 1024 * 1024;
/** How much of an error body is read. */
const ERROR_BODY_LIMIT = 64 * 1024;

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
      if (!data) {
        throw new StreamError('protocol', 'The model list is not in the OpenAI format.', { reason: 'not_model_list' });
      }
      return data
        .map((m: unknown) => (isRecord(m) && typeof m.id === 'string' ? m.id : typeof m === 'string' ? m : null))
        .filter((id): id is string => id !== null)
        .sort();
    } catch (error) {
      let failure: StreamError;
      if (error instanceof StreamError) failure = error;
      else if (timedOut) {
        failure = new StreamError('timeout', `No answer from ${hostOf(req.url)} in time.`, {
          reason: 'connect_timeout',
          host: hostOf(req.url),
        });
      } else if (signal?.aborted || isAbortError(error)) failure = new StreamError('cancelled', 'Cancelled.');
      else failure = errorFromException(error, hostOf(req.url));
      throw failure.scrubbed([apiKey]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** Why the stream's own AbortController fired. */
type AbortReason = 'cancelled' | 'connect-timeout' | 'idle-timeout';

const ITERATION_DONE: IteratorResult<ChatStreamEvent> = { value: undefined, done: true };

/**
 * One streaming reply, and the one loop in Nagare that turns its bytes into
 * events: network reads (each kept as it came, the inspector's raw log) → SSE
 * events → chat events, one read at a time. Iterate it once; afterwards (or during) read
 * `text`, `metrics`, `entries`, `response` and `request`.
 *
 * A hand-written iterator rather than an async generator: a generator pays for an
 * await on every yield, which at hundreds of thousands of events per second is a
 * large share of the decoding cost. The events of one read are handed out from a
 * queue with already-resolved promises; only a read awaits.
 */
export class ChatCompletionStream implements AsyncIterable<ChatStreamEvent>, AsyncIterator<ChatStreamEvent> {
  /** The request as sent, with secret headers removed. */
  readonly request: { url: string; headers: Record<string, string>; body: string; elided: ElidedPayload[] };
  /** The response status and headers (secret ones removed); null status until headers arrive. */
  readonly response: { status: number | null; headers: Record<string, string> } = { status: null, headers: {} };
  readonly metrics: StreamMetrics = {};
  /** The raw log: the body's reads as they came, until `maxLogChars`. */
  readonly recording: ResponseRecording;
  private readonly options: Required<ChatCompletionClientOptions>;
  private readonly input: ChatStreamRequest;
  private readonly httpRequest: HttpRequest;
  private readonly host: string;
  private readonly mapper: ChatCompletionEventMapper;
  private readonly decoder: EventStreamDecoder;
  private readonly controller = new AbortController();
  private readonly queue: ChatStreamEvent[] = [];
  private head = 0;
  private phase: 'idle' | 'open' | 'ended' = 'idle';
  private iterated = false;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** A failure of the transport (HTTP status, network, abort); it wins over the mapper's own ending. */
  private failure: StreamError | null = null;
  private abortReason: AbortReason | null = null;
  /** The mapper's `done` or `error`, held until the queue before it has been handed out. */
  private terminal: ChatStreamEvent | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private lastByteAt = 0;

  /** Use {@link ChatCompletionClient.stream}. */
  constructor(options: Required<ChatCompletionClientOptions>, input: ChatStreamRequest) {
    this.options = options;
    this.input = input;
    this.httpRequest = buildChatRequest(input);
    this.host = hostOf(this.httpRequest.url);
    this.request = {
      url: this.httpRequest.url,
      headers: redactHeaders(this.httpRequest.headers),
      // Never an image's base64: logs, the inspector and cURL show a placeholder.
      body: this.httpRequest.loggedBody ?? this.httpRequest.body ?? '',
      elided: this.httpRequest.elided ?? [],
    };
    this.recording = new ResponseRecording(
      { maxLogChars: options.maxLogChars, maxEventChars: options.maxEventChars },
      input.apiKey ?? '',
    );
    const recording = this.recording;
    this.mapper = new ChatCompletionEventMapper((event) => {
      if (event.type === 'done' || event.type === 'error') {
        this.terminal = event;
        return;
      }
      if (this.metrics.timeToFirstTokenMs === undefined && isToken(event))
        this.metrics.timeToFirstTokenMs = this.since();
      this.queue.push(event);
    });
    const maxEventChars = options.maxEventChars;
    this.decoder = createEventStreamDecoder(
      (event) => {
        // The raw-log hook: the read is kept whole, so each event is only counted against the log's cap.
        if (!recording.full) recording.count(event.data.length + event.event.length + event.id.length);
        if (event.data.length > maxEventChars)
          this.mapper.fail('protocol', 'The server sent an event that is too large.');
        else this.mapper.handle(event);
      },
      undefined,
      {
        maxBufferChars: maxEventChars,
        onComment: (comment) => {
          if (!recording.full) recording.count(comment.length);
        },
      },
    );
  }

  /** The reply text so far; the whole reply once iteration has ended. Main keeps no other copy of it. */
  get text(): string {
    return this.mapper.text;
  }

  /** Raw SSE events, comments and error bodies, capped at `maxLogChars`, made from the recording when asked for. */
  get entries(): readonly RawStreamEntry[] {
    return this.recording.entries();
  }

  /** True once the raw log hit its cap and dropped entries. */
  get truncated(): boolean {
    return this.recording.truncated;
  }

  /** The reasoning text so far. */
  get reasoning(): string {
    return this.mapper.reasoning;
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatStreamEvent> {
    if (this.iterated) throw new Error('A chat completion stream can be iterated only once.');
    this.iterated = true;
    return this;
  }

  /**
   * The next event; the last one is always one `done` or `error` (with metrics). Rejects only
   * for a bug in Nagare, never for what the server or the network did.
   */
  next(): Promise<IteratorResult<ChatStreamEvent>> {
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    return this.fill();
  }

  /** Called when the consumer stops early (`break`): the request is aborted and the socket closed. */
  async return(): Promise<IteratorResult<ChatStreamEvent>> {
    this.queue.length = 0;
    this.head = 0;
    if (this.phase !== 'ended') {
      this.phase = 'ended';
      this.release();
    }
    return ITERATION_DONE;
  }

  private take(): IteratorResult<ChatStreamEvent> {
    const value = this.queue[this.head++] as ChatStreamEvent;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return { value, done: false };
  }

  /**
   * The loop: reads until a read gives events (or the stream ends), then hands out the first.
   * Its own try/catch rather than a `.catch` in `next`, which cost a promise and a closure per read.
   */
  private async fill(): Promise<IteratorResult<ChatStreamEvent>> {
    try {
      while (this.head >= this.queue.length) {
        if (this.phase === 'ended') return ITERATION_DONE;
        if (this.phase === 'idle') {
          await this.open();
          continue;
        }
        const reader = this.reader;
        if (!reader || this.failure || this.abortReason || this.mapper.finished) {
          this.end();
          continue;
        }
        let read: Awaited<ReturnType<typeof reader.read>>;
        try {
          read = await reader.read();
        } catch (error) {
          this.failure = this.transportFailure(error);
          continue;
        }
        // After an abort whatever the read returned is moot: the next turn ends with the abort's error.
        if (this.abortReason) continue;
        if (read.done) {
          this.decoder.end();
          this.mapper.end();
        } else {
          this.decode(read.value);
        }
      }
      return this.take();
    } catch (error) {
      // A bug in Nagare, not something the server did: close the request, then let it surface.
      this.phase = 'ended';
      this.release();
      throw error;
    }
  }

  /** Sends the request and checks the answer; leaves a body reader, or a failure. */
  private async open(): Promise<void> {
    this.phase = 'open';
    const { now, fetch: doFetch, connectTimeoutMs, idleTimeoutMs } = this.options;
    this.startedAt = now();
    const callerSignal = this.input.signal;
    if (callerSignal?.aborted) {
      this.abortReason = 'cancelled';
      return;
    }
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.timer = setTimeout(() => this.abort('connect-timeout'), connectTimeoutMs);
    try {
      const response = await doFetch(this.httpRequest.url, {
        method: 'POST',
        headers: this.httpRequest.headers,
        body: this.httpRequest.body ?? null,
        signal: this.controller.signal,
      });
      clearTimeout(this.timer);
      this.lastByteAt = now();
      this.armIdle(idleTimeoutMs);
      this.response.status = response.status;
      this.response.headers = redactHeaders(response.headers);
      const contentType = response.headers.get('content-type');
      if (!response.ok || !isEventStream(contentType)) {
        const body = await readText(response, ERROR_BODY_LIMIT);
        this.recording.keepErrorBody(body, this.since());
        this.failure = response.ok
          ? errorFromWrongContentType(response.status, contentType, body)
          : errorFromResponse({
              status: response.status,
              retryAfter: response.headers.get('retry-after'),
              body,
              sentImages: sendsImages(this.input.messages),
            });
      } else if (!response.body) {
        this.failure = new StreamError('protocol', 'The server answered without a body.', {
          status: response.status,
          reason: 'no_body',
          host: this.host,
        });
      } else {
        this.reader = response.body.getReader();
      }
    } catch (error) {
      this.failure = this.transportFailure(error);
    }
  }

  /** One network read: kept in the raw log, its SSE events mapped, its text deltas merged into one event. */
  private decode(bytes: Uint8Array): void {
    this.lastByteAt = this.options.now();
    // When the read arrived, in ms since the start: the time of each of its events in the log.
    const at = round(this.lastByteAt - this.startedAt);
    this.metrics.timeToFirstByteMs ??= at;
    this.recording.keep(bytes, at);
    pushGuarded(this.decoder, bytes, this.mapper);
    this.mapper.flush();
  }

  /** Closes the request and queues the one ending event. */
  private end(): void {
    this.phase = 'ended';
    this.release();
    // An abort ends the reply unless the server had already ended it.
    if (!this.failure && this.abortReason && !this.mapper.finished) this.failure = this.abortFailure(this.abortReason);
    // The mapper's ending (done, upstream or protocol error) counts unless the transport failed first.
    const ending = this.failure ? null : this.terminal;
    this.finishMetrics();
    if (ending?.type === 'done') {
      this.queue.push({ ...ending, usage: this.usage(), metrics: this.metrics });
      return;
    }
    let error = this.failure ?? (ending?.type === 'error' ? ending.error : cutOff(this.host));
    // Words already arrived, so the server was reached: whatever the socket said, the reply was cut off.
    if (error.code === 'network' && this.mapper.text !== '') error = cutOff(this.host);
    error.partialText = this.mapper.text;
    this.queue.push({ type: 'error', error: error.scrubbed([this.input.apiKey]), metrics: this.metrics });
  }

  /** Stops the timer, forgets the caller's signal and closes the socket; ending early must not leave it open. */
  private release(): void {
    clearTimeout(this.timer);
    this.input.signal?.removeEventListener('abort', this.onCallerAbort);
    this.reader?.cancel().catch(() => {});
    this.controller.abort();
  }

  private readonly onCallerAbort = (): void => this.abort('cancelled');

  private abort(reason: AbortReason): void {
    this.abortReason ??= reason;
    this.controller.abort();
    // Also release a read that the fetch implementation does not tie to the signal.
    this.reader?.cancel().catch(() => {});
  }

  /** One timer, re-armed only when it fires, instead of a clearTimeout/setTimeout per read. */
  private armIdle(ms: number): void {
    this.timer = setTimeout(() => {
      const idleFor = this.options.now() - this.lastByteAt;
      if (idleFor >= this.options.idleTimeoutMs) this.abort('idle-timeout');
      else this.armIdle(this.options.idleTimeoutMs - idleFor);
    }, ms);
  }

  private transportFailure(error: unknown): StreamError {
    return this.abortReason ? this.abortFailure(this.abortReason) : errorFromException(error, this.host);
  }

  private abortFailure(reason: AbortReason): StreamError {
    const { connectTimeoutMs, idleTimeoutMs } = this.options;
    switch (reason) {
      case 'cancelled':
        return new StreamError('cancelled', 'Cancelled.');
      case 'connect-timeout':
        return new StreamError('timeout', `No answer from ${this.host} within ${seconds(connectTimeoutMs)}.`, {
          reason: 'connect_timeout',
          host: this.host,
          limitSeconds: Math.round(connectTimeoutMs / 1000),
        });
      case 'idle-timeout':
        return new StreamError(
          'timeout',
          `The reply stalled: nothing arrived from ${this.host} for ${seconds(idleTimeoutMs)}.`,
          { reason: 'idle_timeout', host: this.host, limitSeconds: Math.round(idleTimeoutMs / 1000) },
        );
    }
  }

  private since(): number {
    return round(this.options.now() - this.startedAt);
  }

  private finishMetrics(): void {
    const durationMs = round(this.options.now() - this.startedAt);
    this.metrics.durationMs = durationMs;
    const { completionTokens } = this.usage();
    if (completionTokens === undefined) return;
    this.metrics.tokens = completionTokens;
    const generatingMs = durationMs - (this.metrics.timeToFirstTokenMs ?? 0);
    if (generatingMs > 0 && completionTokens > 0) {
      this.metrics.tokensPerSecond = Math.round((completionTokens / generatingMs) * 10_000) / 10;
    }
  }

  /** The server's usage, or an estimate of ~4 characters per token flagged `estimated`. */
  private usage(): Usage {
    const mapper = this.mapper;
    if (mapper.usage?.completionTokens !== undefined) return mapper.usage;
    return { ...mapper.usage, completionTokens: Math.ceil(mapper.generatedChars / 4), estimated: true };
  }
}

function cutOff(host: string): StreamError {
  return new StreamError('network', 'The connection closed before the reply was complete.', {
    reason: 'closed_early',
    ...(host ? { host } : {}),
  });
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
