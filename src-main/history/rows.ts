/**
 * Row shapes of the history tables and their conversion to contract types.
 * Kept apart so the repository and import/export read rows the same way.
 */
import type {
  AttachmentKind,
  AttachmentView,
  Conversation,
  ConversationSummary,
  GenerationParameters,
  MessageRole,
  MessageStatus,
  MessageView,
  Usage,
} from '../../src-preload/contract/types';
import {
  errorFactsOf,
  isErrorCode,
  isErrorReason,
  type ErrorFacts,
  type NagareErrorShape,
} from '../../src-preload/contract/errors';
import type { ToolStep } from '../../src-preload/contract/tools';

/** A `conversations` row as selected by `CONVERSATION_COLUMNS`. */
export interface ConversationRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  pinned: number;
  provider_id: string | null;
  model: string | null;
  system_prompt: string;
  parameters: string;
  active_leaf_id: string | null;
  /** JSON array of MCP server ids. */
  tool_servers: string;
}

/** The columns `ConversationRow` needs, for a table aliased `c`. */
export const CONVERSATION_COLUMNS =
  'c.id, c.title, c.created_at, c.updated_at, c.pinned, c.provider_id, c.model, c.system_prompt, c.parameters, c.active_leaf_id, c.tool_servers';

/** A `messages` row with its version position, as selected by `MESSAGE_COLUMNS`. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  parent_id: string | null;
  role: MessageRole;
  content: string;
  reasoning: string;
  status: MessageStatus;
  error_code: string | null;
  error_message: string | null;
  error_retry_after: number | null;
  error_at: number | null;
  model: string | null;
  usage: string | null;
  ttft_ms: number | null;
  duration_ms: number | null;
  created_at: number;
  /** Set when the message was deleted on its own and stays as a marker. */
  erased_at: number | null;
  /** JSON array of the ids of all versions, oldest first. */
  version_ids: string;
  has_log: number;
  /** JSON array of the message's attachments (ATTACHMENT_JSON objects), in order. */
  attachments: string;
  /** JSON array of `ToolStep`s; null for a reply that called no tool. */
  tool_steps: string | null;
}

/** One attachment as JSON, for a table of links aliased `ma` joined to `attachments` aliased `a`. */
export const ATTACHMENT_JSON = `json_object('id', a.sha256, 'name', ma.name, 'kind', a.kind, 'mimeType', a.mime_type,
  'bytes', a.bytes, 'width', a.width, 'height', a.height, 'pages', a.pages,
  'textChars', CASE WHEN a.text IS NULL THEN NULL ELSE length(a.text) END)`;

/** The attachments of the message `m.id`, in order, as a JSON array. */
export const MESSAGE_ATTACHMENTS_COLUMN = `(SELECT json_group_array(json(${ATTACHMENT_JSON}) ORDER BY ma.position)
     FROM message_attachments ma JOIN attachments a ON a.sha256 = ma.sha256 WHERE ma.message_id = m.id) AS attachments`;

/**
 * SQL: the message aliased `alias` is shown. A message deleted with everything below it is
 * hidden until its undo window ends, then removed; one deleted on its own stays shown, as a marker.
 */
export function shownMessage(alias: string): string {
  return `${alias}.hidden_at IS NULL`;
}

/**
 * The columns `MessageRow` needs, for a table aliased `m`. Versions are the
 * shown messages sharing a parent, ordered by creation.
 */
export const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.parent_id, m.role, m.content, m.reasoning, m.status,
  m.error_code, m.error_message, m.error_retry_after, m.error_at, m.model, m.usage, m.ttft_ms, m.duration_ms,
  m.created_at, m.erased_at,
  (SELECT json_group_array(s.id ORDER BY s.created_at, s.seq) FROM messages s
     WHERE s.conversation_id = m.conversation_id AND s.parent_id IS m.parent_id AND ${shownMessage('s')}) AS version_ids,
  EXISTS (SELECT 1 FROM stream_logs l WHERE l.message_id = m.id) AS has_log,
  ${MESSAGE_ATTACHMENTS_COLUMN}, m.tool_steps`;

/** Parses a JSON column, falling back when it is damaged rather than failing the whole read. */
export function parseJsonColumn<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The list view of a conversation row. */
export function toSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    title: row.title,
    pinned: row.pinned === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    providerId: row.provider_id,
    model: row.model,
  };
}

/** The full view of a conversation row. */
export function toConversation(row: ConversationRow): Conversation {
  return {
    ...toSummary(row),
    systemPrompt: row.system_prompt,
    parameters: parseJsonColumn<GenerationParameters>(row.parameters, {}),
    toolServerIds: parseJsonColumn<string[]>(row.tool_servers, []),
  };
}

/**
 * The `error_message` column of a failed reply: the plain message, or, when the failure has facts the UI
 * needs to say it in another language, the message and those facts as JSON.
 */
export function errorMessageColumn(error: NagareErrorShape | null | undefined): string | null {
  if (!error) return null;
  const facts = errorFactsOf(error);
  if (error.status !== undefined) Object.assign(facts, { status: error.status });
  if (error.retryAfterSeconds !== undefined) Object.assign(facts, { retryAfterSeconds: error.retryAfterSeconds });
  return Object.keys(facts).length === 0 ? error.message : JSON.stringify({ message: error.message, ...facts });
}

/** A stored failure back as its shape; rows written before facts were stored hold only the message. */
export function errorFromColumns(code: string | null, text: string | null): NagareErrorShape | null {
  if (code === null) return null;
  const shape: NagareErrorShape = { code: isErrorCode(code) ? code : 'internal', message: text ?? '' };
  if (!text?.startsWith('{')) return shape;
  const stored = parseJsonColumn<Record<string, unknown> | null>(text, null);
  if (stored === null || typeof stored.message !== 'string') return shape;
  shape.message = stored.message;
  const { reason, status, retryAfterSeconds } = stored;
  if (isErrorReason(reason)) shape.reason = reason;
  for (const key of ['host', 'provider', 'serverMessage', 'file'] as const) {
    const value = stored[key];
    if (typeof value === 'string') shape[key] = value;
  }
  const numbers: Array<[keyof ErrorFacts | 'status' | 'retryAfterSeconds', unknown]> = [
    ['limitSeconds', stored.limitSeconds],
    ['status', status],
    ['retryAfterSeconds', retryAfterSeconds],
  ];
  for (const [key, value] of numbers) {
    if (typeof value === 'number' && Number.isFinite(value)) Object.assign(shape, { [key]: value });
  }
  return shape;
}

/** The error a reply ended with, as it was stored, with a rate limit's wait and when it was asked. */
function storedError(row: MessageRow): NagareErrorShape | null {
  const error = errorFromColumns(row.error_code, row.error_message);
  if (!error) return null;
  if (row.error_retry_after !== null) error.retryAfterSeconds = row.error_retry_after;
  if (row.error_at !== null) error.at = row.error_at;
  return error;
}

/** The contract view of a message row. A deleted message's text is not shown, nor sent anywhere. */
export function toMessageView(row: MessageRow): MessageView {
  const versionIds = parseJsonColumn<string[]>(row.version_ids, [row.id]);
  const deleted = row.erased_at !== null;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    parentId: row.parent_id,
    role: row.role,
    content: deleted ? '' : row.content,
    reasoning: deleted ? '' : row.reasoning,
    status: row.status,
    error: deleted ? null : storedError(row),
    model: row.model,
    usage: parseJsonColumn<Usage | null>(row.usage, null),
    timeToFirstTokenMs: row.ttft_ms,
    durationMs: row.duration_ms,
    createdAt: row.created_at,
    versionIndex: versionIds.indexOf(row.id) + 1,
    versionCount: versionIds.length,
    versionIds,
    hasStreamLog: !deleted && row.has_log === 1,
    deleted,
    attachments: deleted ? [] : parseAttachments(row.attachments),
    toolSteps: deleted ? [] : parseJsonColumn<ToolStep[]>(row.tool_steps, []),
  };
}

const ATTACHMENT_KINDS: readonly AttachmentKind[] = ['image', 'text', 'pdf'];

/**
 * A JSON column holding a list of objects; an entry `accept` refuses (written by hand, damaged) is left
 * out rather than failing the whole read, and a value that is not a list reads as an empty one.
 */
export function parseJsonList<T extends object>(text: string | null, accept: (item: Partial<T>) => boolean): T[] {
  const parsed = parseJsonColumn<unknown>(text, []);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((item): item is T => typeof item === 'object' && item !== null && accept(item as Partial<T>));
}

/** The attachments column; a damaged entry is left out. */
export function parseAttachments(text: string | null): AttachmentView[] {
  return parseJsonList<AttachmentView>(
    text,
    (view) => typeof view.id === 'string' && view.kind !== undefined && ATTACHMENT_KINDS.includes(view.kind),
  );
}
