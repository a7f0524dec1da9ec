/**
 * OpenAI-style chat completion chunks → typed chat events. Pure: no I/O; the
 * one loop that feeds it is `ChatCompletionStream` (ChatCompletionClient.ts).
 *
 * Providers differ in small ways that all land here: Azure's first chunk has
 * empty `choices` and `prompt_filter_results`; DeepSeek streams
 * `reasoning_content`, OpenRouter and others `reasoning`; Groq puts usage under
 * `x_groq.usage`; OpenAI sends usage in a final chunk with empty `choices`
 * when `stream_options.include_usage` is set; errors may arrive as a
 * `{"error":…}` chunk or an `event: error`.
 */
import type { StreamMetrics, Usage } from '../../src-preload/contract/types';
import type { AppErrorOptions } from '../common/AppError';
import { StreamError, messageFromJson, truncateMessage } from './errors';
import { EventStreamOverflowError, type EventStreamEvent } from './eventStream';

/** One tool call as accumulated from its deltas. */
export interface ToolCall {
  index: number;
  id: string;
  name: string;
  /** The JSON arguments, concatenated from every delta; may be incomplete if the stream broke. */
  arguments: string;
}

/**
 * What a chat completion stream tells us, in arrival order. A `text` or `reasoning` event
 * holds the consecutive deltas of one network read, joined.
 */
export type ChatStreamEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'refusal'; text: string }
  | { type: 'tool-call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'finish'; finishReason: string }
  | { type: 'usage'; usage: Usage }
  | {
      type: 'done';
      finishReason: string | null;
      refusal: string;
      toolCalls: ToolCall[];
      /** The server's last usage; null when it sent none (the client then estimates). */
      usage: Usage | null;
      /** Filled in by `ChatCompletionStream`; absent from the mapper's own event. */
      metrics?: StreamMetrics;
    }
  | { type: 'error'; error: StreamError; metrics?: StreamMetrics };

/** Longest line or event accepted by default: chat chunks are small; 4 Mi characters is far past any real one. */
export const DEFAULT_MAX_EVENT_CHARS = 4 * 1024 * 1024;

/**
 * Maps SSE events of one chat completion to {@link ChatStreamEvent}s. Stateful: it
 * accumulates tool calls and the reply text (the one copy main keeps, which also becomes
 * an error's `partialText`), and knows when the stream is over.
 *
 * Consecutive text (or reasoning) deltas are held back until {@link flush}, which the
 * reader calls after each read, and then emitted as one event. A read that carries one
 * chunk (a live stream) still gives one event per token; a burst (a buffering proxy, a
 * fast local model) gives one event instead of hundreds, so every consumer downstream
 * steps once per read rather than once per token.
 */
export class ChatCompletionEventMapper {
  // Pieces, joined on demand: a `+=` rope would allocate a cons string per token that
  // survives into the old generation, which showed up as GC time in the benchmark.
  private readonly textParts: string[] = [];
  private readonly reasoningParts: string[] = [];
  private pendingKind: 'text' | 'reasoning' | null = null;
  private readonly pending: string[] = [];
  /** Characters of text, reasoning and refusal so far, for a token estimate without joining the text. */
  generatedChars = 0;
  refusal = '';
  finishReason: string | null = null;
  usage: Usage | null = null;
  /** Set once `[DONE]` or an error ended the stream; later events are ignored. */
  finished = false;
  /** True when `[DONE]` was seen. */
  sawDone = false;
  private readonly toolCallsByIndex = new Map<number, ToolCall>();
  private readonly emit: (event: ChatStreamEvent) => void;

  /** @param emit - receives every event, synchronously */
  constructor(emit: (event: ChatStreamEvent) => void) {
    this.emit = emit;
  }

  /** Reply text so far, including deltas not yet flushed. */
  get text(): string {
    return joinParts(this.textParts) + this.pendingOf('text');
  }

  /** Reasoning text so far, including deltas not yet flushed. */
  get reasoning(): string {
    return joinParts(this.reasoningParts) + this.pendingOf('reasoning');
  }

  /** Tool calls accumulated so far, by index. */
  get toolCalls(): ToolCall[] {
    return [...this.toolCallsByIndex.values()].sort((a, b) => a.index - b.index);
  }

  /** Handles one SSE event. */
  handle(sse: EventStreamEvent): void {
    if (this.finished) return;
    const { data } = sse;
    if (sse.event === 'error') {
      this.failUpstream(data);
      return;
    }
    // `[DONE]` is the OpenAI terminator; some servers add whitespace.
    if (data.length < 10 && data.trim() === '[DONE]') {
      this.sawDone = true;
      this.emitDone();
      return;
    }
    if (data === '') return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.fail('protocol', `The server sent data that is not JSON: ${truncateMessage(data, 120)}`, {
        serverMessage: truncateMessage(data, 120),
      });
      return;
    }
    if (typeof chunk !== 'object' || chunk === null) {
      this.fail('protocol', `The server sent an unexpected chunk: ${truncateMessage(data, 120)}`, {
        serverMessage: truncateMessage(data, 120),
      });
      return;
    }
    this.handleChunk(chunk as Chunk);
  }

  /**
   * Marks the end of the body. Without `[DONE]`, a stream that reported a finish reason is
   * accepted as complete (some servers omit the terminator); otherwise the reply was cut off.
   */
  end(): void {
    if (this.finished) return;
    if (this.finishReason !== null) {
      this.emitDone();
      return;
    }
    this.fail('network', 'The connection closed before the reply was complete.', { reason: 'closed_early' });
  }

  /** Ends the stream with the provider's own error, its words kept apart for the UI. */
  private failUpstream(payload: unknown): void {
    const said = upstreamWords(payload);
    const message = said ? `The provider reported an error: ${said}` : 'The provider reported an error.';
    this.fail('upstream', message, said ? { serverMessage: said } : {});
  }

  /** Ends the stream with an error carrying the text received so far. */
  fail(code: StreamError['code'], message: string, details: AppErrorOptions = {}): void {
    if (this.finished) return;
    this.finished = true;
    this.send({ type: 'error', error: new StreamError(code, message, { ...details, partialText: this.text }) });
  }

  /** Emits the text or reasoning deltas held back since the last flush, joined into one event. */
  flush(): void {
    const kind = this.pendingKind;
    if (kind === null) return;
    const text = this.pendingOf(kind);
    this.pending.length = 0;
    this.pendingKind = null;
    (kind === 'text' ? this.textParts : this.reasoningParts).push(text);
    this.emit({ type: kind, text });
  }

  private pendingOf(kind: 'text' | 'reasoning'): string {
    if (this.pendingKind !== kind) return '';
    return this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
  }

  private hold(kind: 'text' | 'reasoning', piece: string): void {
    this.generatedChars += piece.length;
    if (this.pendingKind !== kind) {
      if (this.pendingKind !== null) this.flush();
      this.pendingKind = kind;
    }
    this.pending.push(piece);
  }

  /** Emits an event that is not a text or reasoning delta, after the deltas that came before it. */
  private send(event: ChatStreamEvent): void {
    this.flush();
    this.emit(event);
  }

  private emitDone(): void {
    this.finished = true;
    this.send({
      type: 'done',
      finishReason: this.finishReason,
      refusal: this.refusal,
      toolCalls: this.toolCalls,
      usage: this.usage,
    });
  }

  /**
   * Most chunks carry one content delta and nothing else, so that path is kept short; the
   * rarer parts (reasoning, refusal, tool calls, finish, usage) are only looked at when present.
   */
  private handleChunk(chunk: Chunk): void {
    if (chunk.error != null) {
      this.failUpstream(chunk);
      return;
    }
    const choice = chunk.choices?.[0];
    if (choice != null) {
      const delta = choice.delta;
      if (delta) {
        const content = delta.content;
        if (typeof content === 'string' && content !== '') this.hold('text', content);
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (reasoning != null || delta.refusal != null || delta.tool_calls != null) {
          this.handleRareDelta(delta, reasoning);
        }
      }
      if (choice.finish_reason != null) this.handleFinish(choice.finish_reason);
    }
    const rawUsage = chunk.usage ?? chunk.x_groq?.usage;
    if (rawUsage != null) this.handleUsage(rawUsage);
  }

  private handleRareDelta(delta: Delta, reasoning: unknown): void {
    if (typeof reasoning === 'string' && reasoning !== '') this.hold('reasoning', reasoning);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      this.refusal += delta.refusal;
      this.generatedChars += delta.refusal.length;
      this.send({ type: 'refusal', text: delta.refusal });
    }
    if (Array.isArray(delta.tool_calls)) this.handleToolCalls(delta.tool_calls);
  }

  private handleFinish(finishReason: unknown): void {
    if (typeof finishReason !== 'string' || finishReason === '') return;
    this.finishReason = finishReason;
    this.send({ type: 'finish', finishReason });
  }

  private handleUsage(rawUsage: unknown): void {
    const usage = mapUsage(rawUsage);
    if (!usage) return;
    this.usage = usage;
    this.send({ type: 'usage', usage });
  }

  private handleToolCalls(deltas: unknown[]): void {
    for (let position = 0; position < deltas.length; position++) {
      const d = deltas[position] as ToolCallDelta | null | undefined;
      if (!d || typeof d !== 'object') continue;
      // Some servers (Gemini's compatibility layer) omit `index`; position is the best guess.
      const index = typeof d.index === 'number' ? d.index : position;
      let call = this.toolCallsByIndex.get(index);
      if (!call) {
        call = { index, id: '', name: '', arguments: '' };
        this.toolCallsByIndex.set(index, call);
      }
      const id = typeof d.id === 'string' && d.id !== '' ? d.id : undefined;
      const name = typeof d.function?.name === 'string' && d.function.name !== '' ? d.function.name : undefined;
      const args = typeof d.function?.arguments === 'string' ? d.function.arguments : '';
      if (id !== undefined) call.id = id;
      // Names normally arrive whole in the first delta; some servers repeat them in every delta.
      if (name !== undefined && name !== call.name) call.name += name;
      call.arguments += args;
      const event: ChatStreamEvent = { type: 'tool-call', index, argumentsDelta: args };
      if (id !== undefined) event.id = id;
      if (name !== undefined) event.name = name;
      this.send(event);
    }
  }
}

/** Maps a provider's usage object to the contract's `Usage`; null when it holds no counts. */
export function mapUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const u = raw as RawUsage;
  const usage: Usage = {};
  if (isCount(u.prompt_tokens)) usage.promptTokens = u.prompt_tokens;
  if (isCount(u.completion_tokens)) usage.completionTokens = u.completion_tokens;
  if (isCount(u.total_tokens)) usage.totalTokens = u.total_tokens;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  if (isCount(reasoning)) usage.reasoningTokens = reasoning;
  return Object.keys(usage).length === 0 ? null : usage;
}

/** Feeds bytes, turning a runaway line into a `protocol` error instead of a throw. */
export function pushGuarded(
  sse: { push(bytes: Uint8Array): void },
  bytes: Uint8Array,
  mapper: ChatCompletionEventMapper,
): void {
  try {
    sse.push(bytes);
  } catch (error) {
    if (!(error instanceof EventStreamOverflowError)) throw error;
    mapper.fail('protocol', tooLargeMessage(error.limit));
  }
}

function tooLargeMessage(limit: number): string {
  return `The server sent a line longer than ${Math.round(limit / 1024 / 1024)} MiB; this is not a chat completion stream.`;
}

/** The provider's message from an error chunk or an `event: error` payload. */
function upstreamWords(payload: unknown): string | undefined {
  let value = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch {
      value = payload;
    }
  }
  const said = messageFromJson(value);
  return said ? truncateMessage(said) : undefined;
}

/** Joins and keeps the result as the single part, so repeated reads stay cheap. */
function joinParts(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  const joined = parts.join('');
  parts.length = 0;
  parts.push(joined);
  return joined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

interface RawUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  total_tokens?: unknown;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
}

interface ToolCallDelta {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown } | null;
}

interface Delta {
  content?: unknown;
  reasoning_content?: unknown;
  reasoning?: unknown;
  refusal?: unknown;
  tool_calls?: unknown;
}

interface Chunk {
  error?: unknown;
  choices?: Array<{
    delta?: Delta | null;
    finish_reason?: unknown;
  } | null>;
  usage?: unknown;
  x_groq?: { usage?: unknown } | null;
}
