/**
 * Runs replies: `start` saves the turn, opens the upstream stream and returns
 * a stream id; events go to the window that asked, as small typed messages with
 * deltas coalesced on a short timer; the reply is flushed to history while it
 * streams; `cancel` aborts upstream at once; a closed window aborts its streams.
 */
import type {
  AuthStyle,
  ChatEvent,
  ChatStarted,
  GenerationParameters,
  RawStreamEntry,
  StreamLog,
  StreamMetrics,
  Usage,
} from '../../src-preload/contract/types';
import type { NagareErrorShape } from '../../src-preload/contract/errors';
import type { ChatStartInput } from '../../src-preload/contract/schemas';
import type { HistoryRepository } from '../history/HistoryRepository';
import type { StreamLogStore } from '../history/StreamLogStore';
import { messageContent } from '../attachments/contentParts';
import { AppError, toErrorShape } from '../common/AppError';
import type { EventSink } from '../common/EventSink';
import type { ProviderRegistry } from '../providers/ProviderRegistry';
import type { ChatMessage } from '../providers/requestBuilder';
import type { SecretsReader } from '../secrets/SecretsService';
import type { ChatCompletionClient, ChatCompletionStream } from './ChatCompletionClient';
import type { ToolCall } from './chatCompletionStream';
import type { SavedStreamLog } from './responseRecording';
import { TOOL_STEP_LIMIT, stepMessages, type ToolStep } from '../../src-preload/contract/tools';
import type { OfferedTool } from '../mcp/McpService';
import { ToolError } from '../mcp/ToolError';
import {
  ToolApprovals,
  callsToAsk,
  functionTools,
  newToolStep,
  runToolRound,
  type ToolDecision,
  type ToolsPort,
} from '../tools/toolRound';

/** How often deltas are sent to the window: about one message a frame. */
export const IPC_COALESCE_MS = 16;
/**
 * How often the growing reply is written to the database after its first tokens, which are
 * written at once: a crash loses at most this much.
 */
export const HISTORY_FLUSH_MS = 300;
/** What is asked of the model to continue a reply that was cut off. */
export const CONTINUE_INSTRUCTION =
  'Your previous reply was cut off. Continue it exactly where it stopped, without repeating anything.';

/** What ChatService needs; the composition root passes the real ones, tests fakes and real parts. */
export interface ChatServiceDependencies {
  /** Both throw a storage error when the database could not be opened. */
  history: () => HistoryRepository;
  streamLogs: () => StreamLogStore;
  providers: ProviderRegistry;
  secrets: SecretsReader;
  client: (idleTimeoutMs: number) => ChatCompletionClient;
  events: EventSink;
  defaults: () => { providerId: string | null; parameters: GenerationParameters; idleTimeoutSeconds: number };
  isOnline: () => boolean;
  onHistoryChanged: (conversationId: string, reason: 'created' | 'updated' | 'message') => void;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  newId: () => string;
  /** The stored bytes of an attachment, to send an image. @throws AppError `missing` when it is gone. */
  attachmentBytes: (id: string) => Uint8Array;
  /** The user's MCP servers; absent, no tools are offered. */
  tools?: ToolsPort;
  /**
   * Runs a periodic save of a streaming reply: now, or (while an import's worker holds the write
   * lock) once the worker has let it go, without blocking main meanwhile. Absent: now.
   */
  writeWhenFree?: (write: () => void) => Promise<void> | void;
  /** The timers that coalesce deltas and pace saves; tests pass their own to run them by hand. */
  setTimer?: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (timer: ReturnType<typeof setTimeout>) => void;
}

interface RunningStream {
  id: string;
  windowId: number;
  conversationId: string;
  messageId: string;
  controller: AbortController;
  /** Holds the reply text as it grows; the service keeps no copy of its own. */
  upstream: ChatCompletionStream;
  providerName: string;
  model: string;
  parameters: GenerationParameters;
  messageCount: number;
  keyEnvVar: string;
  authStyle: AuthStyle;
  seq: number;
  /** What the reply already held before this stream: the cut-off text a continue resumes, else ''. */
  priorContent: string;
  priorReasoning: string;
  /** Deltas not yet sent to the window (at most one coalescing interval's worth). */
  pendingText: string;
  pendingReasoning: string;
  ipcTimer: ReturnType<typeof setTimeout> | null;
  flushTimer: ReturnType<typeof setTimeout> | null;
  /** False until the first tokens are written; those are written at once, not after a flush interval. */
  flushedOnce: boolean;
  /** Set when saving failed: the reply goes on in memory and the window is told at the end. */
  storageError: NagareErrorShape | null;
  /** The tools offered with every request of this reply; empty offers none. */
  tools: OfferedTool[];
  /** The tool rounds so far; each adds its calls and results to the next request. */
  steps: ToolStep[];
  /** Starts the next request of the reply, after a tool round, with these messages. */
  nextRequest: (messages: ChatMessage[]) => ChatCompletionStream;
  /** The request's messages before any tool round. */
  baseMessages: ChatMessage[];
  /** True while a round holds the text the model wrote before its calls: the reply's own text is empty. */
  textInStep: boolean;
  /**
   * The raw entries of the requests before the current one (tool rounds), timed from the first
   * request, so the inspector's timeline shows every round's tool-call fragments in order.
   */
  earlierEntries: RawStreamEntry[];
  /** When the first request was sent, and the current one, in `performance.now()` time. */
  firstRequestAt: number;
  currentRequestAt: number;
}

/** Runs replies from start to end: see the comment at the top of this file. */
export class ChatService {
  private readonly streams = new Map<string, RunningStream>();
  private readonly approvals = new ToolApprovals();
  private readonly setTimer: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  private readonly clearTimer: (timer: ReturnType<typeof setTimeout>) => void;

  constructor(private readonly deps: ChatServiceDependencies) {
    this.setTimer = deps.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = deps.clearTimer ?? ((timer) => clearTimeout(timer));
  }

  /** Saves the turn, starts the upstream request, and answers before the first token. */
  async start(input: ChatStartInput, context: { windowId: number }): Promise<ChatStarted> {
    const history = this.deps.history();
    const existing = input.conversationId ? history.getConversation(input.conversationId) : null;
    const providerId =
      input.providerId ?? existing?.providerId ?? this.deps.defaults().providerId ?? this.deps.providers.list()[0]?.id;
    if (!providerId) {
      throw new AppError('missing', 'Set up a provider in Settings → Providers first.', { reason: 'no_provider' });
    }
    const provider = this.deps.providers.get(providerId);
    const model = input.model ?? existing?.model ?? provider.defaultModel;
    if (!model) {
      throw new AppError('invalid_request', `Choose a model for ${provider.name} first.`, {
        reason: 'no_model',
        provider: provider.name,
      });
    }
    if (!provider.isLocal && !this.deps.isOnline()) {
      throw new AppError('offline', 'You are offline. Your message is kept; send it again when the network is back.', {
        reason: 'computer_offline',
      });
    }
    // Everything that can refuse the request runs before anything is written; the turn is written in one go.
    const apiKey = await this.deps.secrets.getKeyForRequest(provider.id);
    const toolServerIds = input.toolServerIds ?? existing?.toolServerIds ?? [];
    const tools = this.deps.tools && toolServerIds.length > 0 ? await this.deps.tools.offeredTools(toolServerIds) : [];
    const turn = history.beginTurn({
      conversationId: existing?.id ?? null,
      newConversation: {
        providerId: provider.id,
        model,
        systemPrompt: input.systemPrompt,
        parameters: input.parameters,
        toolServerIds,
      },
      mode: input.mode,
      content: input.content,
      targetMessageId: input.targetMessageId ?? null,
      model,
      attachments: input.attachments,
    });
    const { conversation, reply } = turn;
    this.deps.onHistoryChanged(conversation.id, turn.created ? 'created' : 'message');

    const parameters = { ...this.deps.defaults().parameters, ...conversation.parameters };
    const messages: ChatMessage[] = [
      ...(conversation.systemPrompt.trim() ? [{ role: 'system' as const, content: conversation.systemPrompt }] : []),
      ...turn.context.map((message): ChatMessage =>
        'attachments' in message
          ? {
              role: message.role,
              content: messageContent(message.content, message.attachments, this.deps.attachmentBytes),
            }
          : message,
      ),
      ...(input.mode === 'continue' ? [{ role: 'user' as const, content: CONTINUE_INSTRUCTION }] : []),
    ];
    const controller = new AbortController();
    const idleTimeoutMs = this.deps.defaults().idleTimeoutSeconds * 1000;
    const offered = functionTools(tools);
    const nextRequest = (requestMessages: ChatMessage[]) =>
      this.deps.client(idleTimeoutMs).stream({
        provider,
        apiKey,
        model,
        messages: requestMessages,
        parameters,
        ...(offered.length > 0 ? { tools: offered } : {}),
        signal: controller.signal,
      });
    const upstream = nextRequest(messages);
    const stream: RunningStream = {
      id: this.deps.newId(),
      windowId: context.windowId,
      conversationId: conversation.id,
      messageId: reply.id,
      controller,
      upstream,
      providerName: provider.name,
      model,
      parameters,
      messageCount: messages.length,
      keyEnvVar: provider.keyEnvVar,
      authStyle: apiKey ? provider.authStyle : 'none',
      seq: 0,
      priorContent: input.mode === 'continue' ? reply.content : '',
      priorReasoning: input.mode === 'continue' ? reply.reasoning : '',
      pendingText: '',
      pendingReasoning: '',
      ipcTimer: null,
      flushTimer: null,
      flushedOnce: false,
      storageError: null,
      tools,
      steps: [],
      nextRequest,
      baseMessages: messages,
      textInStep: false,
      earlierEntries: [],
      firstRequestAt: performance.now(),
      currentRequestAt: performance.now(),
    };
    this.streams.set(stream.id, stream);
    this.send(stream, { kind: 'started', conversationId: conversation.id, messageId: reply.id });
    // The pump reports every failure as an event; it never rejects.
    void this.pump(stream);
    return {
      streamId: stream.id,
      conversationId: conversation.id,
      userMessageId: turn.userMessage?.id ?? null,
      assistantMessageId: reply.id,
    };
  }

  /** The user's answer to a tool call a reply is waiting on. */
  decideTool(streamId: string, callId: string, decision: ToolDecision): void {
    this.approvals.decide(streamId, callId, decision);
  }

  /** Aborts a reply at once; the text so far is kept and the reply is marked cancelled. */
  cancel(streamId: string): void {
    this.streams.get(streamId)?.controller.abort();
  }

  /** A closed window's replies are aborted: nobody is reading them. */
  cancelWindow(windowId: number): void {
    for (const stream of this.streams.values()) if (stream.windowId === windowId) stream.controller.abort();
  }

  /**
   * Ends every reply at once, for quitting: each is saved as cancelled before this returns,
   * because the history closes right after and a pump finishing later would find it closed.
   */
  cancelAll(): void {
    for (const stream of [...this.streams.values()]) {
      stream.controller.abort();
      this.finish(stream, {
        status: 'cancelled',
        usage: null,
        metrics: stream.upstream.metrics,
        error: { code: 'cancelled', message: 'Cancelled.' },
      });
    }
  }

  /** The log of a reply still streaming, for the inspector's live timeline. */
  liveLog(messageId: string): StreamLog | null {
    for (const stream of this.streams.values()) if (stream.messageId === messageId) return this.streamLog(stream);
    return null;
  }

  get activeCount(): number {
    return this.streams.size;
  }

  private async pump(stream: RunningStream): Promise<void> {
    let usage: Usage | null = null;
    try {
      for await (const event of stream.upstream) {
        switch (event.type) {
          case 'text':
            stream.pendingText += event.text;
            this.scheduleDelivery(stream);
            break;
          case 'reasoning':
            stream.pendingReasoning += event.text;
            this.scheduleDelivery(stream);
            break;
          case 'usage':
            usage = event.usage;
            this.deliverPending(stream);
            this.send(stream, { kind: 'usage', usage: event.usage });
            break;
          case 'done':
            usage = event.usage ?? usage;
            if (event.finishReason === 'tool_calls' && event.toolCalls.length > 0 && stream.tools.length > 0) {
              await this.toolRound(stream, event.toolCalls, { usage, metrics: event.metrics ?? {} });
              return;
            }
            this.finish(stream, {
              status: 'complete',
              usage,
              metrics: event.metrics ?? {},
              finishReason: event.finishReason,
              refusal: event.refusal,
            });
            return;
          case 'error': {
            const error = event.error.toShape();
            this.finish(stream, {
              status: error.code === 'cancelled' ? 'cancelled' : 'error',
              usage,
              metrics: event.metrics ?? {},
              error,
            });
            return;
          }
          default:
            break;
        }
      }
      // The client always ends with done or error; reaching here means it did not.
      this.finish(stream, {
        status: 'error',
        usage,
        metrics: stream.upstream.metrics,
        error: { code: 'protocol', message: 'The reply ended without an end marker.' },
      });
    } catch (error) {
      this.deps.log('error', 'A reply failed unexpectedly', { error });
      this.finish(stream, {
        status: 'error',
        usage,
        metrics: stream.upstream.metrics,
        error: toErrorShape(error),
      });
    }
  }

  /**
   * Runs one round of tool calls, then streams the model's next reply with their results, or
   * ends the reply: stopped by the user, or past the step limit.
   */
  private async toolRound(
    stream: RunningStream,
    calls: ToolCall[],
    end: { usage: Usage | null; metrics: StreamMetrics },
  ): Promise<void> {
    if (stream.steps.length >= TOOL_STEP_LIMIT) {
      const error = new ToolError(
        'tool_error',
        `Stopped after ${TOOL_STEP_LIMIT} rounds of tool calls, the step limit. Send a message to go on.`,
      );
      this.finish(stream, { status: 'error', ...end, error: error.toShape() });
      return;
    }
    this.deliverPending(stream);
    const tools = this.deps.tools!;
    const step = newToolStep(this.replyText(stream).content, calls, stream.tools);
    stream.steps.push(step);
    stream.textInStep = true;
    stream.priorContent = '';
    this.saveSteps(stream);
    const askIds = callsToAsk(step, tools, stream.tools);
    this.send(stream, { kind: 'tool-calls', step: structuredClone(step), stepIndex: stream.steps.length - 1, askIds });
    const signal = stream.controller.signal;
    await runToolRound(step, {
      offered: stream.tools,
      port: tools,
      signal,
      askIds,
      ask: (callId) => this.approvals.wait(stream.id, callId, signal),
      onResult: (call) => {
        this.saveSteps(stream);
        this.send(stream, { kind: 'tool-result', callId: call.id, result: call.result! });
      },
    });
    if (signal.aborted) {
      this.finish(stream, {
        status: 'cancelled',
        ...end,
        error: { code: 'cancelled', message: 'Stopped during a tool call.' },
      });
      return;
    }
    stream.earlierEntries = this.allEntries(stream);
    stream.currentRequestAt = performance.now();
    stream.upstream = stream.nextRequest([...stream.baseMessages, ...stream.steps.flatMap(stepMessages)]);
    stream.textInStep = false;
    stream.flushedOnce = false;
    await this.pump(stream);
  }

  private saveSteps(stream: RunningStream): void {
    if (stream.storageError) return;
    try {
      const history = this.deps.history();
      history.saveToolSteps(stream.messageId, stream.steps);
      history.appendOrFlush(stream.messageId, this.replyText(stream));
    } catch (error) {
      stream.storageError = toErrorShape(error, 'storage');
      this.deps.log('error', 'Could not save a tool call', { error });
    }
  }

  private scheduleDelivery(stream: RunningStream): void {
    stream.ipcTimer ??= this.setTimer(() => {
      stream.ipcTimer = null;
      this.deliverPending(stream);
    }, IPC_COALESCE_MS);
    // A crash in the first flush interval would otherwise lose everything the user has already seen.
    if (!stream.flushedOnce) {
      stream.flushedOnce = true;
      this.saveProgress(stream);
      return;
    }
    stream.flushTimer ??= this.setTimer(() => {
      stream.flushTimer = null;
      this.saveProgress(stream);
    }, HISTORY_FLUSH_MS);
  }

  private deliverPending(stream: RunningStream): void {
    if (stream.ipcTimer) this.clearTimer(stream.ipcTimer);
    stream.ipcTimer = null;
    if (stream.pendingReasoning) {
      this.send(stream, { kind: 'reasoning', text: stream.pendingReasoning });
      stream.pendingReasoning = '';
    }
    if (stream.pendingText) {
      this.send(stream, { kind: 'delta', text: stream.pendingText });
      stream.pendingText = '';
    }
  }

  private saveProgress(stream: RunningStream): void {
    if (stream.storageError) return;
    const failed = (error: unknown) => {
      // The reply goes on in memory; the window is told why it could not be saved when it ends.
      stream.storageError = toErrorShape(error, 'storage');
      this.deps.log('error', 'Could not save a streaming reply', { error });
    };
    // A save that had to wait is skipped if the reply ended meanwhile: its end wrote the final text.
    const save = () => {
      if (this.streams.has(stream.id)) this.deps.history().appendOrFlush(stream.messageId, this.replyText(stream));
    };
    try {
      const waiting = this.deps.writeWhenFree ? this.deps.writeWhenFree(save) : save();
      waiting?.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  private finish(
    stream: RunningStream,
    end: {
      status: 'complete' | 'error' | 'cancelled';
      usage: Usage | null;
      metrics: StreamMetrics;
      finishReason?: string | null;
      refusal?: string;
      error?: NagareErrorShape;
    },
  ): void {
    if (!this.streams.delete(stream.id)) return;
    if (stream.flushTimer) this.clearTimer(stream.flushTimer);
    stream.flushTimer = null;
    this.deliverPending(stream);
    const usageToSave =
      end.usage ?? (end.metrics.tokens ? { completionTokens: end.metrics.tokens, estimated: true } : null);
    try {
      this.deps.history().finishMessage(stream.messageId, {
        status: end.status,
        ...this.replyText(stream),
        error: end.error ?? null,
        usage: usageToSave,
        timeToFirstTokenMs: end.metrics.timeToFirstTokenMs ?? null,
        durationMs: end.metrics.durationMs ?? null,
      });
      this.deps.streamLogs().save(stream.messageId, this.savedLog(stream));
    } catch (error) {
      stream.storageError ??= toErrorShape(error, 'storage');
      this.deps.log('error', 'Could not save a finished reply', { error });
    }
    this.deps.onHistoryChanged(stream.conversationId, 'updated');
    if (end.status === 'complete' && !stream.storageError) {
      this.send(stream, {
        kind: 'done',
        finishReason: end.finishReason ?? null,
        refusal: end.refusal ?? '',
        metrics: end.metrics,
      });
    } else {
      this.send(stream, { kind: 'error', error: end.error ?? stream.storageError!, metrics: end.metrics });
    }
  }

  /** The whole reply as it stands: what the row held before (continue) and what this stream added. */
  private replyText(stream: RunningStream): { content: string; reasoning: string } {
    return {
      content: stream.textInStep ? '' : stream.priorContent + stream.upstream.text,
      reasoning: stream.priorReasoning + stream.upstream.reasoning,
    };
  }

  /** Every round's raw entries, the current request's shifted to the first request's clock. */
  private allEntries(stream: RunningStream): RawStreamEntry[] {
    const shift = Math.round(stream.currentRequestAt - stream.firstRequestAt);
    const current = stream.upstream.entries;
    if (stream.earlierEntries.length === 0 && shift === 0) return [...current];
    return [...stream.earlierEntries, ...current.map((entry) => ({ ...entry, at: entry.at + shift }))];
  }

  private streamLog(stream: RunningStream): StreamLog {
    return { ...this.logHeader(stream), entries: this.allEntries(stream), truncated: stream.upstream.truncated };
  }

  /** The log to save: the response's recording as it came, unless tool rounds made it several responses. */
  private savedLog(stream: RunningStream): SavedStreamLog {
    if (stream.earlierEntries.length > 0) return this.streamLog(stream);
    return { ...this.logHeader(stream), recording: stream.upstream.recording };
  }

  /** Everything in a reply's log but its entries. */
  private logHeader(stream: RunningStream): Omit<StreamLog, 'entries' | 'truncated'> {
    const { request, response, metrics } = stream.upstream;
    return {
      request: {
        providerName: stream.providerName,
        url: request.url,
        model: stream.model,
        parameters: stream.parameters,
        messageCount: stream.messageCount,
        body: request.body,
        headers: request.headers,
        authStyle: stream.authStyle,
        ...(request.elided.length > 0 ? { elided: request.elided } : {}),
      },
      response: { status: response.status, headers: response.headers },
      metrics: { ...metrics },
      keyEnvVar: stream.keyEnvVar,
    };
  }

  /**
   * Sends to the window that started the reply, and to the others so that a
   * reply started elsewhere (quick ask) streams in the main window too. When
   * the starting window is gone, the reply ends.
   */
  private send(stream: RunningStream, event: DistributiveOmit<ChatEvent, 'streamId' | 'seq'>): void {
    const message = { ...event, streamId: stream.id, seq: stream.seq++ } as ChatEvent;
    const delivered = this.deps.events.toWindow(stream.windowId, 'chat.event', message);
    this.deps.events.toOthers(stream.windowId, 'chat.event', message);
    if (!delivered) stream.controller.abort();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
