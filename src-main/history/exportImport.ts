/**
 * Export to Markdown and versioned Nagare JSON; import of Nagare JSON and of
 * ChatGPT's `conversations.json`. Functions take and return text; the caller
 * does the file dialogs. Exports hold conversation data only: never stream
 * logs (request headers), drafts or settings.
 */
import { z } from 'zod';
import type {
  Conversation,
  GenerationParameters,
  ImportReport,
  MessageRole,
  MessageStatus,
  NagareErrorShape,
  Usage,
} from '../../src-preload/contract';
import type { HistoryDatabase } from './database';
import { HistoryError, guardStorage } from './errors';
import { CONVERSATION_COLUMNS, parseJsonColumn, toConversation, type ConversationRow, type MessageRow } from './rows';

/** The version of the Nagare JSON format this build writes and reads. */
export const NAGARE_EXPORT_VERSION = 1;

/** One message in a Nagare export: every branch, linked by `parentId`. */
export interface ExportedMessage {
  id: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  reasoning: string;
  status: MessageStatus;
  error: NagareErrorShape | null;
  model: string | null;
  usage: Usage | null;
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
  createdAt: number;
}

/** One conversation in a Nagare export. */
export interface ExportedConversation extends Conversation {
  activeLeafId: string | null;
  messages: ExportedMessage[];
}

/** The Nagare JSON export file. */
export interface NagareExport {
  format: 'nagare';
  version: typeof NAGARE_EXPORT_VERSION;
  exportedAt: number;
  conversations: ExportedConversation[];
}

/** What import needs besides the text. */
export interface ImportDependencies {
  now: () => number;
  newId: () => string;
}

/** A message row as the export reads it: the stored columns, without the version bookkeeping. */
type StoredMessageRow = Omit<MessageRow, 'conversation_id' | 'version_ids' | 'has_log'>;

// ── Export ────────────────────────────────────────────────────────────────

function loadConversations(db: HistoryDatabase, conversationId: string | null): ExportedConversation[] {
  const rows = (
    conversationId === null
      ? db
          .prepare(
            `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.deleted_at IS NULL ORDER BY c.created_at, c.seq`,
          )
          .all()
      : db
          .prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ? AND c.deleted_at IS NULL`)
          .all(conversationId)
  ) as ConversationRow[];
  if (conversationId !== null && rows.length === 0) {
    throw new HistoryError('missing', 'This conversation no longer exists.');
  }
  const messagesOf = db.prepare(
    `SELECT id, parent_id, role, content, reasoning, status, error_code, error_message, model, usage, ttft_ms,
       duration_ms, created_at FROM messages WHERE conversation_id = ? ORDER BY created_at, seq`,
  );
  return rows.map((row) => ({
    ...toConversation(row),
    activeLeafId: row.active_leaf_id,
    messages: (messagesOf.all(row.id) as StoredMessageRow[]).map((m) => ({
      id: m.id,
      parentId: m.parent_id,
      role: m.role,
      content: m.content,
      reasoning: m.reasoning,
      status: m.status,
      error:
        m.error_code !== null ? ({ code: m.error_code, message: m.error_message ?? '' } as NagareErrorShape) : null,
      model: m.model,
      usage: parseJsonColumn<Usage | null>(m.usage, null),
      timeToFirstTokenMs: m.ttft_ms,
      durationMs: m.duration_ms,
      createdAt: m.created_at,
    })),
  }));
}

/** The active branch of an exported conversation, root first. */
export function activeBranch(conversation: ExportedConversation): ExportedMessage[] {
  const byId = new Map(conversation.messages.map((m) => [m.id, m]));
  const hasChild = new Set(conversation.messages.map((m) => m.parentId));
  let leaf = conversation.activeLeafId !== null ? byId.get(conversation.activeLeafId) : undefined;
  // Messages are ordered oldest first, so the last childless one is the newest leaf.
  leaf ??= conversation.messages.filter((m) => !hasChild.has(m.id)).at(-1);
  const branch: ExportedMessage[] = [];
  const seen = new Set<string>();
  for (let node = leaf; node && !seen.has(node.id); node = node.parentId ? byId.get(node.parentId) : undefined) {
    seen.add(node.id);
    branch.push(node);
  }
  return branch.reverse();
}

/** Every conversation (`conversationId` null) or one, as versioned Nagare JSON with all branches. */
export function exportJson(db: HistoryDatabase, conversationId: string | null, now: () => number): string {
  return guardStorage(() => {
    const file: NagareExport = {
      format: 'nagare',
      version: NAGARE_EXPORT_VERSION,
      exportedAt: now(),
      conversations: loadConversations(db, conversationId),
    };
    return JSON.stringify(file, null, 2);
  });
}

function stamp(time: number): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Every conversation or one as readable Markdown: the active branch of each, with speakers, models and times. */
export function exportMarkdown(db: HistoryDatabase, conversationId: string | null): string {
  return guardStorage(() => {
    const parts = loadConversations(db, conversationId).map((conversation) => {
      const lines = [`# ${conversation.title || 'Untitled conversation'}`, ''];
      const facts = [`Created ${stamp(conversation.createdAt)}`, `updated ${stamp(conversation.updatedAt)}`];
      if (conversation.model) facts.push(`model ${conversation.model}`);
      lines.push(`_${facts.join(' · ')}_`, '');
      if (conversation.systemPrompt) lines.push('**System prompt**', '', conversation.systemPrompt, '');
      for (const message of activeBranch(conversation)) {
        const speaker =
          message.role === 'user' ? '**You**' : message.role === 'assistant' ? '**Assistant**' : '**System**';
        const details = [stamp(message.createdAt)];
        if (message.role === 'assistant' && message.model) details.unshift(message.model);
        if (message.status !== 'complete') details.push(message.status);
        lines.push(`${speaker} · ${details.join(' · ')}`, '', message.content, '');
      }
      return lines.join('\n');
    });
    return parts.join('\n---\n\n');
  });
}

// ── Import: validation ─────────────────────────────────────────────────────

const nagareMessageSchema = z.object({
  id: z.string().min(1),
  parentId: z.string().min(1).nullable(),
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  reasoning: z.string().default(''),
  status: z.enum(['streaming', 'complete', 'interrupted', 'error', 'cancelled']).default('complete'),
  error: z.object({ code: z.string(), message: z.string() }).nullable().default(null),
  model: z.string().nullable().default(null),
  usage: z.record(z.string(), z.unknown()).nullable().default(null),
  timeToFirstTokenMs: z.number().nullable().default(null),
  durationMs: z.number().nullable().default(null),
  createdAt: z.number(),
});

const nagareConversationSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  pinned: z.boolean().default(false),
  createdAt: z.number(),
  updatedAt: z.number(),
  providerId: z.string().nullable().default(null),
  model: z.string().nullable().default(null),
  systemPrompt: z.string().default(''),
  parameters: z.object({ temperature: z.number().optional(), maxTokens: z.number().optional() }).default({}),
  activeLeafId: z.string().nullable().default(null),
  messages: z.array(nagareMessageSchema),
});

const nagareExportSchema = z.object({
  format: z.literal('nagare'),
  version: z.literal(NAGARE_EXPORT_VERSION),
  exportedAt: z.number(),
  conversations: z.array(nagareConversationSchema),
});

const chatGptNodeSchema = z.looseObject({
  id: z.string(),
  message: z
    .looseObject({
      id: z.string(),
      author: z.looseObject({ role: z.string() }),
      content: z.looseObject({ content_type: z.string(), parts: z.array(z.unknown()).optional() }),
      create_time: z.number().nullable().optional(),
      recipient: z.string().optional(),
      metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    })
    .nullable()
    .optional(),
  parent: z.string().nullable().optional(),
  children: z.array(z.string()).optional(),
});

const chatGptConversationSchema = z.looseObject({
  title: z.string().nullable().optional(),
  create_time: z.number().nullable().optional(),
  update_time: z.number().nullable().optional(),
  mapping: z.record(z.string(), chatGptNodeSchema),
  current_node: z.string().nullable().optional(),
  id: z.string().optional(),
  conversation_id: z.string().optional(),
  default_model_slug: z.string().nullable().optional(),
});

const chatGptExportSchema = z.array(chatGptConversationSchema);

// ── Import: normalized form ────────────────────────────────────────────────

interface ImportedMessage {
  key: string;
  sourceId: string;
  parentSourceId: string | null;
  role: MessageRole;
  content: string;
  reasoning: string;
  status: MessageStatus;
  error: { code: string; message: string } | null;
  model: string | null;
  usage: Record<string, unknown> | null;
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
  createdAt: number;
}

interface ImportedConversation {
  key: string;
  /** A local id that, if present, means this file came from this database. */
  localId: string | null;
  title: string;
  pinned: boolean;
  createdAt: number;
  updatedAt: number;
  providerId: string | null;
  model: string | null;
  systemPrompt: string;
  parameters: GenerationParameters;
  activeLeafSourceId: string | null;
  messages: ImportedMessage[];
}

function invalid(message: string, cause?: unknown): HistoryError {
  return new HistoryError('import_invalid', message, { cause });
}

function fromNagare(file: z.infer<typeof nagareExportSchema>): ImportedConversation[] {
  return file.conversations.map((c) => {
    const ids = new Set(c.messages.map((m) => m.id));
    for (const m of c.messages) {
      if (m.parentId !== null && !ids.has(m.parentId)) {
        throw invalid(`A message in “${c.title}” answers a message that is not in the file.`);
      }
    }
    return {
      key: `nagare:${c.id}`,
      localId: c.id,
      title: c.title,
      pinned: c.pinned,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      providerId: c.providerId,
      model: c.model,
      systemPrompt: c.systemPrompt,
      parameters: c.parameters,
      activeLeafSourceId: c.activeLeafId !== null && ids.has(c.activeLeafId) ? c.activeLeafId : null,
      messages: c.messages.map((m) => ({
        key: `nagare:${m.id}`,
        sourceId: m.id,
        parentSourceId: m.parentId,
        role: m.role,
        content: m.content,
        reasoning: m.reasoning,
        // A reply that was streaming when exported will never finish now.
        status: m.status === 'streaming' ? 'interrupted' : m.status,
        error: m.error,
        model: m.model,
        usage: m.usage,
        timeToFirstTokenMs: m.timeToFirstTokenMs,
        durationMs: m.durationMs,
        createdAt: m.createdAt,
      })),
    };
  });
}

type ChatGptNode = z.infer<typeof chatGptNodeSchema>;

/** The text of a ChatGPT message we keep, or null for nodes that are not part of the visible chat. */
function chatGptText(node: ChatGptNode): { role: 'user' | 'assistant'; text: string } | null {
  const message = node.message;
  if (!message) return null;
  const role = message.author.role;
  if (role !== 'user' && role !== 'assistant') return null;
  if (message.metadata?.['is_visually_hidden_from_conversation'] === true) return null;
  // Assistant messages addressed to a tool (recipient other than "all") are tool calls, not replies.
  if (message.recipient !== undefined && message.recipient !== 'all') return null;
  const type = message.content.content_type;
  if (type !== 'text' && type !== 'multimodal_text') return null;
  const text = (message.content.parts ?? []).filter((part): part is string => typeof part === 'string').join('\n');
  if (text.trim() === '') return null;
  return { role, text };
}

function fromChatGpt(conversations: z.infer<typeof chatGptExportSchema>, now: number): ImportedConversation[] {
  return conversations.map((c) => {
    const createdAt = c.create_time != null ? Math.round(c.create_time * 1000) : now;
    const updatedAt = c.update_time != null ? Math.round(c.update_time * 1000) : createdAt;
    const sourceKey = c.conversation_id ?? c.id ?? `${c.title ?? ''}@${c.create_time ?? ''}`;
    const nodes = c.mapping;
    const kept = new Map<string, { role: 'user' | 'assistant'; text: string }>();
    for (const [id, node] of Object.entries(nodes)) {
      const text = chatGptText(node);
      if (text) kept.set(id, text);
    }
    // Skipped nodes (root, system, hidden, tool) are bridged: a kept node's parent is its nearest kept ancestor.
    const keptAncestor = (id: string | null | undefined): string | null => {
      const seen = new Set<string>();
      let current = id ?? null;
      while (current !== null && !seen.has(current)) {
        if (kept.has(current)) return current;
        seen.add(current);
        current = nodes[current]?.parent ?? null;
      }
      return null;
    };
    const messages: ImportedMessage[] = [];
    for (const [id, text] of kept) {
      const node = nodes[id];
      const message = node?.message;
      const modelSlug = message?.metadata?.['model_slug'];
      messages.push({
        key: `chatgpt:${id}`,
        sourceId: id,
        parentSourceId: keptAncestor(node?.parent),
        role: text.role,
        content: text.text,
        reasoning: '',
        status: 'complete',
        error: null,
        model: text.role === 'assistant' && typeof modelSlug === 'string' ? modelSlug : null,
        usage: null,
        timeToFirstTokenMs: null,
        durationMs: null,
        createdAt: message?.create_time != null ? Math.round(message.create_time * 1000) : createdAt,
      });
    }
    // Stable order: by time, then by the order ChatGPT lists children, so versions keep their numbering.
    messages.sort((a, b) => a.createdAt - b.createdAt);
    const lastModel = messages.filter((m) => m.model !== null).at(-1)?.model ?? null;
    return {
      key: `chatgpt:${sourceKey}`,
      localId: null,
      title: (c.title ?? '').trim(),
      pinned: false,
      createdAt,
      updatedAt,
      providerId: null,
      model: lastModel ?? c.default_model_slug ?? null,
      systemPrompt: '',
      parameters: {},
      activeLeafSourceId: keptAncestor(c.current_node),
      messages,
    };
  });
}

/** Throws if following parents from some message loops, which would make the tree endless. */
function assertAcyclic(conversation: ImportedConversation): ImportedConversation {
  const parents = new Map(conversation.messages.map((m) => [m.sourceId, m.parentSourceId]));
  const done = new Set<string>();
  for (const start of parents.keys()) {
    const path = new Set<string>();
    for (let id: string | null | undefined = start; id != null && !done.has(id); id = parents.get(id)) {
      if (path.has(id))
        throw invalid(`The messages of “${conversation.title}” loop back on themselves. Nothing was imported.`);
      path.add(id);
    }
    for (const id of path) done.add(id);
  }
  return conversation;
}

/** Parses and validates an import file; throws `import_invalid` without touching the database. */
export function parseImport(text: string, now: number): ImportedConversation[] {
  return parseUnchecked(text, now).map(assertAcyclic);
}

function parseUnchecked(text: string, now: number): ImportedConversation[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid('The file is not valid JSON; it may be incomplete or damaged. Nothing was imported.', error);
  }
  if (Array.isArray(data)) {
    const parsed = chatGptExportSchema.safeParse(data);
    if (!parsed.success)
      throw invalid('The file does not look like a ChatGPT export. Nothing was imported.', parsed.error);
    return fromChatGpt(parsed.data, now);
  }
  if (typeof data === 'object' && data !== null && (data as { format?: unknown }).format === 'nagare') {
    const version = (data as { version?: unknown }).version;
    if (typeof version === 'number' && version > NAGARE_EXPORT_VERSION) {
      throw invalid('The file was made by a newer version of Nagare. Nothing was imported.');
    }
    const parsed = nagareExportSchema.safeParse(data);
    if (!parsed.success) throw invalid('The Nagare export is damaged. Nothing was imported.', parsed.error);
    return fromNagare(parsed.data);
  }
  throw invalid('The file is neither a Nagare export nor a ChatGPT conversations.json. Nothing was imported.');
}

/**
 * Imports a Nagare JSON or ChatGPT `conversations.json` text in one
 * transaction: a bad file imports nothing. Conversations already imported
 * (same source and original id) or already here are skipped, so importing the
 * same file twice adds nothing.
 */
export function importText(db: HistoryDatabase, text: string, deps: ImportDependencies): ImportReport {
  const conversations = parseImport(text, deps.now());
  return guardStorage(() => {
    const report: ImportReport = { conversationsAdded: 0, messagesAdded: 0, skippedDuplicates: 0 };
    const known = db.prepare('SELECT 1 AS x FROM conversations WHERE import_key = ? OR id = ?');
    const insertConversation = db.prepare(
      `INSERT INTO conversations (id, title, created_at, updated_at, pinned, provider_id, model, system_prompt,
         parameters, active_leaf_id, import_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertMessage = db.prepare(
      `INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, status, error_code,
         error_message, model, usage, ttft_ms, duration_ms, created_at, import_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const messageKnown = db.prepare('SELECT 1 AS x FROM messages WHERE import_key = ?');
    db.transaction(() => {
      for (const conversation of conversations) {
        if (known.get(conversation.key, conversation.localId ?? '') !== undefined) {
          report.skippedDuplicates++;
          continue;
        }
        const conversationId = deps.newId();
        const ids = new Map(conversation.messages.map((m) => [m.sourceId, deps.newId()]));
        const activeLeaf =
          conversation.activeLeafSourceId !== null ? (ids.get(conversation.activeLeafSourceId) ?? null) : null;
        insertConversation.run(
          conversationId,
          conversation.title,
          conversation.createdAt,
          conversation.updatedAt,
          conversation.pinned ? 1 : 0,
          conversation.providerId,
          conversation.model,
          conversation.systemPrompt,
          JSON.stringify(conversation.parameters),
          activeLeaf,
          conversation.key,
        );
        for (const m of conversation.messages) {
          if (messageKnown.get(m.key) !== undefined) {
            throw invalid('The file repeats messages that are already in another conversation. Nothing was imported.');
          }
          insertMessage.run(
            ids.get(m.sourceId) ?? deps.newId(),
            conversationId,
            m.parentSourceId !== null ? (ids.get(m.parentSourceId) ?? null) : null,
            m.role,
            m.content,
            m.reasoning,
            m.status,
            m.error?.code ?? null,
            m.error?.message ?? null,
            m.model,
            m.usage ? JSON.stringify(m.usage) : null,
            m.timeToFirstTokenMs,
            m.durationMs,
            m.createdAt,
            m.key,
          );
          report.messagesAdded++;
        }
        report.conversationsAdded++;
      }
    }).immediate();
    return report;
  });
}
