/**
 * Exports the history to a file, streamed: one conversation is read and
 * written at a time, inside one read transaction so the file is a consistent
 * snapshot while chats go on. Markdown holds the active branch of each
 * conversation; Nagare JSON holds every branch. Neither holds stream logs
 * (they carry request headers), drafts or settings. Runs in the transfer
 * worker in the app, and directly under Node in tests.
 */
import type { ExportFormat, TransferProgress, Usage } from '../../src-preload/contract/types';
import type { ToolStep } from '../../src-preload/contract/tools';
import type { HistoryDatabase } from '../history/database';
import { HistoryError, toHistoryError } from '../history/errors';
import {
  CONVERSATION_COLUMNS,
  errorFromColumns,
  parseJsonColumn,
  shownMessage,
  toConversation,
  type ConversationRow,
  type MessageRow,
} from '../history/rows';
import { AttachmentWriter, readConversationAttachments, type AttachmentOutput } from './exportAttachments';
import { throttledProgress } from './importModel';
import { NAGARE_EXPORT_VERSION, type ExportedConversation, type ExportedMessage } from './nagareFormat';
import type { ExportedAttachment } from './exportAttachments';

/** Where the export goes: appended to in order, committed by the caller. */
export interface ExportSink {
  write(text: string): Promise<void>;
}

/** What an export needs. */
export interface ExportOptions {
  db: HistoryDatabase;
  /** One conversation, or null for all. */
  conversationId: string | null;
  format: ExportFormat;
  sink: ExportSink;
  now: () => number;
  isCancelled: () => boolean;
  onProgress?: (progress: TransferProgress) => void;
  /** Where attachments' bytes come from and how they are written; without it only their descriptions are. */
  attachments?: AttachmentOutput;
}

/** A message row as the export reads it: the stored columns, without the version bookkeeping. */
type StoredMessageRow = Omit<
  MessageRow,
  'conversation_id' | 'version_ids' | 'has_log' | 'error_retry_after' | 'error_at'
>;

function readConversation(db: HistoryDatabase, row: ConversationRow): ExportedConversation {
  // Hidden messages (deleted with their replies, waiting out their undo window) are left out.
  const attachments = readConversationAttachments(db, row.id);
  const messages = db
    .prepare(
      `SELECT id, parent_id, role, content, reasoning, status, error_code, error_message, model, usage, ttft_ms,
         duration_ms, created_at, erased_at, tool_steps FROM messages m
       WHERE conversation_id = ? AND ${shownMessage('m')} ORDER BY created_at, seq`,
    )
    .all(row.id) as StoredMessageRow[];
  return {
    ...toConversation(row),
    activeLeafId: row.active_leaf_id,
    messages: messages.map((m): ExportedMessage => ({
      id: m.id,
      parentId: m.parent_id,
      role: m.role,
      ...(m.erased_at !== null
        ? { content: '', reasoning: '', deleted: true as const }
        : { content: m.content, reasoning: m.reasoning }),
      status: m.status,
      error: errorFromColumns(m.error_code, m.error_message),
      model: m.model,
      usage: parseJsonColumn<Usage | null>(m.usage, null),
      timeToFirstTokenMs: m.ttft_ms,
      durationMs: m.duration_ms,
      createdAt: m.created_at,
      ...(attachments.has(m.id) ? { attachments: attachments.get(m.id) } : {}),
      toolSteps: parseJsonColumn<ToolStep[]>(m.tool_steps, []),
    })),
  };
}

/** A round of tool calls in Markdown: the text before it, then each call's arguments and result as code. */
function toolStepMarkdown(step: ToolStep): string[] {
  const lines = step.text ? [step.text, ''] : [];
  for (const call of step.calls) {
    const status = call.result ? call.result.status : 'not run';
    lines.push(`> Tool \`${call.name}\` (${call.serverName}) · ${status}`, '', '```json', call.arguments, '```', '');
    if (call.result) lines.push('```text', call.result.content, '```', '');
  }
  return lines;
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

function stamp(time: number): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A Markdown link target: spaces and brackets escaped, the rest kept readable. */
function linkTarget(path: string): string {
  return path.replace(/[ ()<>]/g, (char) => encodeURIComponent(char));
}

/** The lines that show a message's files: images inline, other files as links. */
function attachmentLines(message: ExportedMessage, link: ((file: ExportedAttachment) => string) | null): string[] {
  return (message.attachments ?? []).map((file) => {
    const label = file.name.replace(/[[\]]/g, '\\$&');
    if (!link) return `- ${label}`;
    const target = linkTarget(link(file));
    return file.kind === 'image' ? `![${label}](${target})` : `- [${label}](${target})`;
  });
}

/** One conversation as readable Markdown: its active branch, with speakers, models and times. */
export function conversationMarkdown(
  conversation: ExportedConversation,
  link: ((file: ExportedAttachment) => string) | null = null,
): string {
  const lines = [`# ${conversation.title || 'Untitled conversation'}`, ''];
  const facts = [`Created ${stamp(conversation.createdAt)}`, `updated ${stamp(conversation.updatedAt)}`];
  if (conversation.model) facts.push(`model ${conversation.model}`);
  lines.push(`_${facts.join(' · ')}_`, '');
  if (conversation.systemPrompt) lines.push('**System prompt**', '', conversation.systemPrompt, '');
  for (const message of activeBranch(conversation)) {
    const speaker = message.role === 'user' ? '**You**' : message.role === 'assistant' ? '**Assistant**' : '**System**';
    const details = [stamp(message.createdAt)];
    if (message.role === 'assistant' && message.model) details.unshift(message.model);
    if (message.status !== 'complete') details.push(message.status);
    if (message.deleted) details.push('deleted');
    lines.push(`${speaker} · ${details.join(' · ')}`, '');
    const files = attachmentLines(message, link);
    if (files.length > 0) lines.push(...files, '');
    for (const step of message.toolSteps) lines.push(...toolStepMarkdown(step));
    lines.push(message.content, '');
  }
  return lines.join('\n');
}

/** Pretty JSON of one conversation, indented to sit inside the file's `conversations` array. */
function conversationJson(conversation: ExportedConversation): string {
  // JSON escapes line breaks inside strings, so every literal one is formatting.
  return `    ${JSON.stringify(conversation, null, 2).replace(/\n/g, '\n    ')}`;
}

/**
 * Writes every conversation (or one) to `sink`; see the module comment.
 * Returns how many were written, or null when cancelled (the caller then
 * abandons the file). Throws `missing` for a conversation that is gone.
 */
export async function exportHistory(options: ExportOptions): Promise<{ conversations: number } | null> {
  const { db, conversationId, format, sink } = options;
  const files = options.attachments ? new AttachmentWriter(options.attachments) : null;
  const withFiles = (conversation: ExportedConversation): ExportedConversation =>
    files === null
      ? conversation
      : {
          ...conversation,
          messages: conversation.messages.map((m) =>
            m.attachments ? { ...m, attachments: m.attachments.map((file) => files.forJson(file)) } : m,
          ),
        };
  let written = 0;
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text, 'utf8');
    await sink.write(text);
  };
  try {
    // One read transaction: a consistent snapshot, while other connections keep writing.
    db.exec('BEGIN');
    try {
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
      const progress = throttledProgress(options.onProgress, () => ({
        kind: 'export',
        bytes,
        totalBytes: null,
        conversations: written,
        totalConversations: rows.length,
        indexing: null,
      }));
      if (format === 'json') {
        await write(
          `{\n  "format": "nagare",\n  "version": ${NAGARE_EXPORT_VERSION},\n  "exportedAt": ${options.now()},\n  "conversations": [`,
        );
      }
      for (const row of rows) {
        if (options.isCancelled()) return null;
        const conversation = readConversation(db, row);
        if (format === 'json') {
          await write(`${written === 0 ? '\n' : ',\n'}${conversationJson(withFiles(conversation))}`);
        } else {
          const link = files ? (file: ExportedAttachment) => files.toFolder(file) : null;
          await write(`${written === 0 ? '' : '\n---\n\n'}${conversationMarkdown(conversation, link)}`);
        }
        written++;
        progress();
      }
      if (format === 'json') await write(written === 0 ? ']\n}\n' : '\n  ]\n}\n');
      progress(true);
      return { conversations: written };
    } finally {
      db.exec('COMMIT');
    }
  } catch (error) {
    throw toHistoryError(error);
  }
}
