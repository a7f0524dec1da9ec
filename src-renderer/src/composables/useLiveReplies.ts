/**
 * Replies streaming into this window, fed by `chat.event`: one `LiveReply` per
 * stream, made by `newLiveReply` and changed only by `applyChatEvent`. The chat
 * store and the quick-ask window both read replies through it, so a delta is
 * handled one way.
 *
 * Every event carries its stream's `seq`. A repeated or late event is dropped;
 * a gap (this window missed events, as when it loaded while a reply was
 * streaming) marks the reply `incomplete`: its text has a hole, so the saved
 * message is the one to show.
 */
import { onScopeDispose, reactive } from 'vue';
import type {
  ChatEvent,
  ChatStarted,
  NagareErrorShape,
  StreamMetrics,
  ToolStep,
  Usage,
} from '../../../src-preload/contract';
import { bridge } from '../ipc/nagare';

/** A reply as it streams in: kept apart from the message list so tokens touch only this object. */
export interface LiveReply {
  streamId: string;
  /** Known from the `started` event or the answer to `chat.start`, whichever comes first. */
  messageId: string | null;
  conversationId: string | null;
  text: string;
  reasoning: string;
  done: boolean;
  error: NagareErrorShape | null;
  usage: Usage | null;
  metrics: StreamMetrics | null;
  finishReason: string | null;
  /** The `seq` the next event must carry. */
  nextSeq: number;
  /** True once an event was missed: `text` lacks part of the reply. */
  incomplete: boolean;
  /** The reply's rounds of tool calls so far; `text` is what came after the latest. */
  steps: ToolStep[];
  /** Calls of the latest round waiting for Run / Deny / Always allow. */
  askIds: string[];
}

/** A reply nothing has arrived for yet. */
export function newLiveReply(
  streamId: string,
  place: { messageId: string; conversationId: string } | null = null,
): LiveReply {
  return {
    streamId,
    messageId: place?.messageId ?? null,
    conversationId: place?.conversationId ?? null,
    text: '',
    reasoning: '',
    done: false,
    error: null,
    usage: null,
    metrics: null,
    finishReason: null,
    nextSeq: 0,
    incomplete: false,
    steps: [],
    askIds: [],
  };
}

/** What became of an event: applied, applied after a gap, or dropped as repeated or late. */
export type Arrival = 'applied' | 'gap' | 'stale';

/** Applies one event of the reply's stream to it, checking its `seq` first. */
export function applyChatEvent(reply: LiveReply, event: ChatEvent): Arrival {
  if (event.seq < reply.nextSeq) return 'stale';
  const arrival: Arrival = event.seq > reply.nextSeq ? 'gap' : 'applied';
  if (arrival === 'gap') reply.incomplete = true;
  reply.nextSeq = event.seq + 1;
  switch (event.kind) {
    case 'started':
      reply.messageId = event.messageId;
      reply.conversationId = event.conversationId;
      break;
    case 'delta':
      reply.text += event.text;
      break;
    case 'reasoning':
      reply.reasoning += event.text;
      break;
    case 'usage':
      reply.usage = event.usage;
      break;
    case 'tool-calls':
      // The text so far belongs to this round; what the model writes next starts afresh.
      reply.steps[event.stepIndex] = event.step;
      reply.text = '';
      reply.askIds = [...event.askIds];
      break;
    case 'tool-result': {
      const call = reply.steps.at(-1)?.calls.find((c) => c.id === event.callId);
      if (call) call.result = event.result;
      reply.askIds = reply.askIds.filter((id) => id !== event.callId);
      break;
    }
    case 'done':
      reply.done = true;
      reply.finishReason = event.finishReason;
      reply.metrics = event.metrics;
      break;
    case 'error':
      reply.askIds = [];
      reply.done = true;
      reply.error = event.error;
      reply.metrics = event.metrics;
      break;
  }
  return arrival;
}

/**
 * Subscribes to `chat.event` for the current scope. `onEvent` runs after each
 * applied event with the reply it changed.
 */
export function useLiveReplies(onEvent?: (reply: LiveReply, event: ChatEvent, arrival: Arrival) => void) {
  /** By stream id; several may run at once in different conversations. */
  const replies = reactive(new Map<string, LiveReply>());
  /** Streams that ended or were let go, so a late event or answer does not bring one back. */
  const ended = new Set<string>();

  function receive(event: ChatEvent): void {
    let reply = replies.get(event.streamId);
    if (!reply) {
      if (ended.has(event.streamId)) return;
      replies.set(event.streamId, newLiveReply(event.streamId));
      // The map's reactive proxy of the object, so that changes below are seen.
      reply = replies.get(event.streamId)!;
    }
    const arrival = applyChatEvent(reply, event);
    if (arrival === 'stale') return;
    if (reply.done) ended.add(reply.streamId);
    onEvent?.(reply, event, arrival);
  }

  /**
   * The reply a `chat.start` answer names. Events travel apart from that answer: a short reply may
   * already have started, or even ended, before it arrives. Null when it ended and was let go.
   */
  function adopt(started: ChatStarted): LiveReply | null {
    const existing = replies.get(started.streamId);
    if (existing) {
      existing.messageId = started.assistantMessageId;
      existing.conversationId = started.conversationId;
      return existing;
    }
    if (ended.has(started.streamId)) return null;
    replies.set(
      started.streamId,
      newLiveReply(started.streamId, { messageId: started.assistantMessageId, conversationId: started.conversationId }),
    );
    return replies.get(started.streamId)!;
  }

  /** Forgets a reply; later events of its stream are ignored. */
  function release(streamId: string): void {
    ended.add(streamId);
    replies.delete(streamId);
  }

  onScopeDispose(bridge().chat.onEvent(receive));

  return { replies, adopt, release };
}
