/**
 * The history store: conversations, message trees with versions, the turn
 * rules (what a send, edit, regenerate or continue writes), soft delete with
 * undo, and search, on one SQLite database. Stream logs and drafts have their
 * own stores on the same database (`StreamLogStore`, `DraftStore`).
 *
 * Every method is synchronous (libsql is), short, and turns disk failures
 * into `HistoryError('storage')` so the caller can keep what it holds in
 * memory and tell the user.
 */
import type {
  AttachmentRef,
  Conversation,
  ConversationSummary,
  DeleteReceipt,
  GenerationParameters,
  MessageRole,
  MessageStatus,
  MessageView,
  NagareErrorShape,
  OpenedConversation,
  Page,
  SearchHit,
  Usage,
} from '../../src-preload/contract';
import type { ChatStartInput } from '../../src-preload/contract/schemas';
import { ATTACHMENT_LIMITS } from '../../src-preload/contract/types';
import { AttachmentStore, attachmentSearchText, type MessageAttachment } from './AttachmentStore';
import { stepMessages, type ModelMessage, type ToolStep } from '../../src-preload/contract/tools';
import type { HistoryDatabase } from './database';
import { HistoryError, guardStorage } from './errors';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  parseJsonColumn,
  errorMessageColumn,
  toConversation,
  toMessageView,
  toSummary,
  shownMessage,
  type ConversationRow,
  type MessageRow,
} from './rows';
import { HistorySearch } from './search';

/** How long a deleted conversation or message can be restored. */
export const UNDO_WINDOW_MS = 10_000;
/** Automatic titles are cut to this many characters. */
export const AUTO_TITLE_LENGTH = 60;

const DEFAULT_PAGE = 200;
/** Older messages shown above a search hit when opening a conversation at it. */
const CONTEXT_ABOVE_HIT = 5;

/** How a message is deleted: with everything below it, or on its own, its replies kept below a marker. */
export type MessageDeleteScope = 'branch' | 'message';

/** What `createConversation` accepts; everything is optional. */
export interface NewConversation {
  title?: string;
  providerId?: string | null;
  model?: string | null;
  systemPrompt?: string;
  parameters?: GenerationParameters;
  toolServerIds?: string[];
}

/** What `configure` changes; absent fields stay as they are. */
export interface ConversationSettings {
  conversationId: string;
  providerId?: string | null;
  model?: string | null;
  systemPrompt?: string;
  parameters?: GenerationParameters;
  toolServerIds?: string[];
}

/** The end state of a reply. */
export interface FinishedMessage {
  status: Exclude<MessageStatus, 'streaming'>;
  content: string;
  reasoning?: string;
  error?: NagareErrorShape | null;
  usage?: Usage | null;
  timeToFirstTokenMs?: number | null;
  durationMs?: number | null;
}

/**
 * One turn of the context sent to the model: a message with its files (and the text sent for
 * each), or a reply's tool calls and their results as they were sent.
 */
export type ContextMessage = { role: MessageRole; content: string; attachments: MessageAttachment[] } | ModelMessage;

/** What a turn does: send a new message, edit one of the user's, regenerate a reply, or continue a cut-off one. */
export type TurnMode = ChatStartInput['mode'];

/** What starts a reply; see {@link HistoryRepository.beginTurn}. */
export interface TurnRequest {
  /** The conversation the turn belongs to; null starts a new one with `newConversation`'s settings. */
  conversationId: string | null;
  newConversation?: NewConversation;
  mode: TurnMode;
  /** What the user typed, for `send` and `edit`; not used otherwise. */
  content: string;
  /** The message an edit, a regenerate or a continue acts on. */
  targetMessageId?: string | null;
  /** The model that writes the reply. */
  model: string | null;
  /** Files for `send` and `edit`, stored beforehand; an edit without them keeps the edited message's. */
  attachments?: readonly AttachmentRef[];
}

/** What a turn wrote, and what to send the model. */
export interface BegunTurn {
  conversation: Conversation;
  /** True when the turn created the conversation. */
  created: boolean;
  /** The user's new message (send, edit); null for regenerate and continue. */
  userMessage: MessageView | null;
  /** The reply row, `streaming`: a new row for send, edit and regenerate; the cut-off reply itself for continue. */
  reply: MessageView;
  /**
   * The turns from the root to what the model answers (for continue, up to and including the
   * cut-off reply), without the system prompt.
   */
  context: ContextMessage[];
}

/** A message row about to be written. */
interface NewMessage {
  conversationId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  model: string | null;
  attachments?: readonly MessageAttachment[];
}

/** What the user typed, and the files they attached, as a row. */
function userMessage(
  conversationId: string,
  parentId: string | null,
  content: string,
  attachments: readonly MessageAttachment[] = [],
): NewMessage {
  return { conversationId, parentId, role: 'user', content, status: 'complete', model: null, attachments };
}

/** An empty reply row, streaming until it ends. */
function streamingReply(conversationId: string, parentId: string | null, model: string | null): NewMessage {
  return { conversationId, parentId, role: 'assistant', content: '', status: 'streaming', model };
}

/** The writes a turn will make, decided before any of them runs. */
type TurnPlan =
  | { kind: 'ask'; parentId: string | null; content: string; attachments: MessageAttachment[] }
  | { kind: 'answer'; parentId: string }
  | { kind: 'resume'; messageId: string };

/** The automatic title for a conversation: the first non-empty line of `content`, trimmed and cut. */
export function titleFromMessage(content: string): string {
  const line =
    content
      .split(/\r?\n/)
      .map((part) => part.replace(/\s+/gu, ' ').trim())
      .find((part) => part.length > 0) ?? '';
  const chars = Array.from(line);
  return chars.length <= AUTO_TITLE_LENGTH
    ? line
    : `${chars
        .slice(0, AUTO_TITLE_LENGTH - 1)
        .join('')
        .trimEnd()}…`;
}

function toRef(attachment: MessageAttachment): AttachmentRef {
  return { id: attachment.sha256, name: attachment.name };
}

function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function decodeListCursor(cursor: string): [number, number, string] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parts) &&
      parts.length === 3 &&
      typeof parts[0] === 'number' &&
      typeof parts[1] === 'number' &&
      typeof parts[2] === 'string'
    ) {
      return [parts[0], parts[1], parts[2]];
    }
  } catch {
    // Fall through to the error below.
  }
  throw new HistoryError('invalid_request', 'The list cursor is not valid.');
}

/** The history store. The caller owns the database connection and closes it. */
export class HistoryRepository {
  private readonly searcher: HistorySearch;
  private readonly attachmentRows: AttachmentStore;
  private readonly statements;

  constructor(
    private readonly db: HistoryDatabase,
    private readonly now: () => number,
    private readonly newId: () => string,
  ) {
    this.searcher = new HistorySearch(db);
    this.attachmentRows = new AttachmentStore(db, now);
    // Prepared once: streaming flushes run these many times a second.
    this.statements = {
      flush: db.prepare("UPDATE messages SET content = ?, reasoning = ? WHERE id = ? AND status = 'streaming'"),
      conversation: db.prepare(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ? AND c.deleted_at IS NULL`,
      ),
      message: db.prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.id = ? AND c.deleted_at IS NULL AND ${shownMessage('m')}`,
      ),
      insertMessage: db.prepare(
        `INSERT INTO messages (id, conversation_id, parent_id, role, content, status, model, created_at, attachment_text)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      touch: db.prepare('UPDATE conversations SET updated_at = ?, active_leaf_id = ? WHERE id = ?'),
      titleIfUntitled: db.prepare("UPDATE conversations SET title = ? WHERE id = ? AND title = ''"),
      insertConversation: db.prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, provider_id, model, system_prompt, parameters,
           tool_servers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      chain: db.prepare(
        `WITH RECURSIVE chain(id, depth) AS (
           SELECT ?, 0
           UNION ALL
           SELECT m.parent_id, chain.depth + 1 FROM chain JOIN messages m ON m.id = chain.id
           WHERE m.parent_id IS NOT NULL AND chain.depth < ?
         )
         SELECT ${MESSAGE_COLUMNS} FROM chain JOIN messages m ON m.id = chain.id ORDER BY chain.depth DESC`,
      ),
      // Hidden rows are deleted with everything below them: a shown row's leaves are shown rows.
      newestLeafUnder: db.prepare(
        `WITH RECURSIVE sub(id, created_at, seq) AS (
           SELECT id, created_at, seq FROM messages m WHERE id = ? AND ${shownMessage('m')}
           UNION ALL
           SELECT m.id, m.created_at, m.seq FROM messages m JOIN sub ON m.parent_id = sub.id WHERE ${shownMessage('m')}
         )
         SELECT id FROM sub WHERE NOT EXISTS (SELECT 1 FROM messages k WHERE k.parent_id = sub.id AND ${shownMessage('k')})
         ORDER BY created_at DESC, seq DESC LIMIT 1`,
      ),
      newestLeafInConversation: db.prepare(
        `SELECT m.id FROM messages m WHERE m.conversation_id = ? AND ${shownMessage('m')}
           AND NOT EXISTS (SELECT 1 FROM messages k WHERE k.parent_id = m.id AND ${shownMessage('k')})
         ORDER BY m.created_at DESC, m.seq DESC LIMIT 1`,
      ),
      subtree: db.prepare(
        `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id)
         SELECT m.id, m.status, m.hidden_at FROM sub JOIN messages m ON m.id = sub.id`,
      ),
    };
  }

  // ── Conversations ──────────────────────────────────────────────────────

  /** Creates an empty conversation. An empty title is filled from the first user message. */
  createConversation(input: NewConversation = {}): Conversation {
    return guardStorage(() => this.getConversation(this.writeConversation(input)));
  }

  /** A conversation that is not deleted; `missing` otherwise. */
  getConversation(conversationId: string): Conversation {
    return guardStorage(() => toConversation(this.conversationRow(conversationId)));
  }

  /** Conversations, pinned first, then most recently updated; keyset-paged. */
  listConversations(input: { cursor?: string | null; limit?: number } = {}): Page<ConversationSummary> {
    return guardStorage(() => {
      const limit = Math.max(1, input.limit ?? 100);
      const after = input.cursor ? decodeListCursor(input.cursor) : null;
      const rows = this.db
        .prepare(
          `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.deleted_at IS NULL
           ${after ? 'AND (c.pinned, c.updated_at, c.id) < (?, ?, ?)' : ''}
           ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?`,
        )
        .all(...(after ?? []), limit + 1) as ConversationRow[];
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map(toSummary),
        nextCursor: rows.length > limit && last ? encodeCursor([last.pinned, last.updated_at, last.id]) : null,
      };
    });
  }

  /** Renames a conversation; the title is trimmed and may not be empty. */
  rename(conversationId: string, title: string): void {
    guardStorage(() => {
      const trimmed = title.trim();
      if (trimmed.length === 0) throw new HistoryError('invalid_request', 'A title cannot be empty.');
      this.requireChange(
        this.db
          .prepare('UPDATE conversations SET title = ? WHERE id = ? AND deleted_at IS NULL')
          .run(trimmed, conversationId),
      );
    });
  }

  /** Pins or unpins a conversation; pinned ones list first. */
  setPinned(conversationId: string, pinned: boolean): void {
    guardStorage(() => {
      this.requireChange(
        this.db
          .prepare('UPDATE conversations SET pinned = ? WHERE id = ? AND deleted_at IS NULL')
          .run(pinned ? 1 : 0, conversationId),
      );
    });
  }

  /** Changes provider, model, system prompt or parameters; absent fields are kept. */
  configure(settings: ConversationSettings): Conversation {
    return guardStorage(() => {
      const current = this.getConversation(settings.conversationId);
      this.db
        .prepare(
          `UPDATE conversations SET provider_id = ?, model = ?, system_prompt = ?, parameters = ?, tool_servers = ?
           WHERE id = ?`,
        )
        .run(
          settings.providerId !== undefined ? settings.providerId : current.providerId,
          settings.model !== undefined ? settings.model : current.model,
          settings.systemPrompt ?? current.systemPrompt,
          JSON.stringify(settings.parameters ?? current.parameters),
          JSON.stringify(settings.toolServerIds ?? current.toolServerIds),
          settings.conversationId,
        );
      return this.getConversation(settings.conversationId);
    });
  }

  /**
   * Hides a conversation at once and returns a token to restore it. Nothing
   * is removed until `purgeExpiredDeletes` runs after the undo window.
   */
  deleteConversation(conversationId: string): DeleteReceipt {
    return guardStorage(() => {
      const undoToken = this.newId();
      this.requireChange(
        this.db
          .prepare('UPDATE conversations SET deleted_at = ?, undo_token = ? WHERE id = ? AND deleted_at IS NULL')
          .run(this.now(), undoToken, conversationId),
      );
      return { undoToken, undoWindowMs: UNDO_WINDOW_MS };
    });
  }

  /**
   * Restores a deleted conversation, or messages deleted together (see `deleteMessage`); `missing`
   * once the undo window has passed.
   */
  undoDelete(undoToken: string): void {
    guardStorage(() => {
      const conversation = this.db
        .prepare(
          `UPDATE conversations SET deleted_at = NULL, undo_token = NULL
           WHERE undo_token = ? AND deleted_at IS NOT NULL AND deleted_at + ? > ?`,
        )
        .run(undoToken, UNDO_WINDOW_MS, this.now());
      if (conversation.changes === 0 && !this.undoMessageDelete(undoToken)) {
        throw new HistoryError('missing', 'This delete can no longer be undone.');
      }
    });
  }

  /**
   * Ends the undo windows that have passed: deleted conversations and messages deleted with
   * everything below them are removed, and the text of messages deleted on their own is erased
   * (with their stream logs). Returns how many conversations were removed.
   */
  purgeExpiredDeletes(now: number = this.now()): number {
    return guardStorage(() =>
      this.db.transaction(() => {
        const expired = now - UNDO_WINDOW_MS;
        this.db
          .prepare(
            `WITH RECURSIVE doomed(id) AS (
               SELECT id FROM messages WHERE hidden_at IS NOT NULL AND hidden_at <= ?
               UNION SELECT m.id FROM messages m JOIN doomed ON m.parent_id = doomed.id
             ) DELETE FROM messages WHERE id IN (SELECT id FROM doomed)`,
          )
          .run(expired);
        this.db
          .prepare(
            `DELETE FROM stream_logs WHERE message_id IN
               (SELECT id FROM messages WHERE erased_at IS NOT NULL AND erased_at <= ? AND erased_token IS NOT NULL)`,
          )
          .run(expired);
        // Its files go with its text: their links first, so the garbage collection can take the bytes.
        this.db
          .prepare(
            `DELETE FROM message_attachments WHERE message_id IN
               (SELECT id FROM messages WHERE erased_at IS NOT NULL AND erased_at <= ? AND erased_token IS NOT NULL)`,
          )
          .run(expired);
        this.db
          .prepare(
            `UPDATE messages SET content = '', reasoning = '', attachment_text = '', erased_token = NULL
             WHERE erased_at IS NOT NULL AND erased_at <= ? AND erased_token IS NOT NULL`,
          )
          .run(expired);
        // A removed conversation's unsent draft goes with it, and so its files become garbage.
        this.db
          .prepare(
            `DELETE FROM drafts WHERE key IN
               (SELECT id FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?)`,
          )
          .run(expired);
        return this.db
          .prepare('DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?')
          .run(expired).changes;
      })(),
    );
  }

  // ── Messages ───────────────────────────────────────────────────────────

  /**
   * The active branch, oldest first: the newest `limit` messages, or those
   * older than `before` (an `olderCursor` from a previous page).
   */
  openConversation(input: { conversationId: string; before?: string | null; limit?: number }): OpenedConversation {
    return guardStorage(() => {
      const row = this.conversationRow(input.conversationId);
      const limit = Math.max(1, input.limit ?? DEFAULT_PAGE);
      let start: string | null;
      if (input.before) {
        start = this.messageInConversation(input.before, row.id).parent_id;
      } else {
        start = this.activeLeaf(row);
      }
      return { conversation: toConversation(row), ...this.pageEndingAt(start, limit) };
    });
  }

  /** A message; `missing` if it or its conversation is gone. */
  getMessage(messageId: string): MessageView {
    return guardStorage(() => toMessageView(this.messageRow(messageId)));
  }

  /** Adds what the user typed under `parentId` (null for the first message) and makes it the active leaf. */
  addUserMessage(conversationId: string, parentId: string | null, content: string): MessageView {
    return this.insertMessage(userMessage(conversationId, parentId, content));
  }

  /**
   * Creates the assistant reply as `streaming` before the first token, so a
   * crash mid-stream leaves a row that start-up marks `interrupted`. A second
   * reply under the same parent is a new version (regenerate).
   */
  beginAssistantMessage(conversationId: string, parentId: string | null, model: string | null): MessageView {
    return this.insertMessage(streamingReply(conversationId, parentId, model));
  }

  /**
   * Continue: a reply that was cut off streams again into the same row, after
   * the text it already has, and becomes the active branch.
   */
  resumeMessage(messageId: string): MessageView {
    return guardStorage(() => {
      const row = this.messageRow(messageId);
      this.db.transaction(() => this.writeResume(row.id))();
      return this.getMessage(row.id);
    });
  }

  /**
   * Starts a reply: checks that the turn makes sense, then writes it in one transaction (a new
   * conversation if it has none yet, the user's message, the streaming reply row) so that a
   * refused or failed turn leaves nothing behind. Which message each mode answers:
   * - `send`: a new user message after the active branch's last message, and a reply to it;
   * - `edit`: a new version of a user message (a sibling under the same parent), and a reply to it;
   * - `regenerate`: a new reply to a user message, or a new version of a reply (a sibling of it);
   * - `continue`: the cut-off reply itself streams again, after the text it already has.
   * @throws HistoryError `invalid_request` for a turn that makes no sense, `missing` for a target that is gone
   */
  beginTurn(turn: TurnRequest): BegunTurn {
    return guardStorage(() => {
      const existing = turn.conversationId === null ? null : this.conversationRow(turn.conversationId);
      const plan = this.planTurn(turn, existing);
      const written = this.db.transaction(() => {
        const conversationId = existing?.id ?? this.writeConversation(turn.newConversation ?? {});
        switch (plan.kind) {
          case 'ask': {
            const userId = this.writeMessage(
              userMessage(conversationId, plan.parentId, plan.content, plan.attachments),
            );
            const replyId = this.writeMessage(streamingReply(conversationId, userId, turn.model));
            return { conversationId, userId, replyId, contextEnd: userId };
          }
          case 'answer': {
            const replyId = this.writeMessage(streamingReply(conversationId, plan.parentId, turn.model));
            return { conversationId, userId: null, replyId, contextEnd: plan.parentId };
          }
          case 'resume':
            this.writeResume(plan.messageId);
            return { conversationId, userId: null, replyId: plan.messageId, contextEnd: plan.messageId };
        }
      })();
      return {
        conversation: this.getConversation(written.conversationId),
        created: existing === null,
        userMessage: written.userId === null ? null : this.getMessage(written.userId),
        reply: this.getMessage(written.replyId),
        context: this.buildContext(written.contextEnd),
      };
    });
  }

  /**
   * Saves the text streamed so far. One prepared UPDATE; the caller decides
   * how often (every few hundred ms). A message no longer streaming is left as is.
   */
  appendOrFlush(messageId: string, text: { content: string; reasoning?: string }): void {
    guardStorage(() => {
      this.statements.flush.run(text.content, text.reasoning ?? '', messageId);
    });
  }

  /** Records how a reply ended, with its final text, error, usage and timing. */
  finishMessage(messageId: string, end: FinishedMessage): MessageView {
    return guardStorage(() => {
      const row = this.messageRow(messageId);
      this.db.transaction(() => {
        this.db
          .prepare(
            `UPDATE messages SET status = ?, content = ?, reasoning = ?, error_code = ?, error_message = ?,
             error_retry_after = ?, error_at = ?, usage = ?, ttft_ms = ?, duration_ms = ? WHERE id = ?`,
          )
          .run(
            end.status,
            end.content,
            end.reasoning ?? row.reasoning,
            end.error?.code ?? null,
            errorMessageColumn(end.error),
            end.error?.retryAfterSeconds ?? null,
            end.error ? (end.error.at ?? this.now()) : null,
            end.usage ? JSON.stringify(end.usage) : null,
            end.timeToFirstTokenMs ?? null,
            end.durationMs ?? null,
            messageId,
          );
        this.db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(this.now(), row.conversation_id);
      })();
      return this.getMessage(messageId);
    });
  }

  /** Keeps a reply's tool rounds as they stand; called after each call is asked, answered or run. */
  saveToolSteps(messageId: string, steps: ToolStep[]): void {
    guardStorage(() => {
      this.requireChange(
        this.db.prepare('UPDATE messages SET tool_steps = ? WHERE id = ?').run(JSON.stringify(steps), messageId),
      );
    });
  }

  /** At start-up: replies still `streaming` were cut off by a crash or quit. Returns how many. */
  markInterruptedOnStartup(): number {
    return guardStorage(
      () => this.db.prepare("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'").run().changes,
    );
  }

  /** The versions of a message: it and its siblings under the same parent, oldest first. */
  listVersions(messageId: string): MessageView[] {
    return guardStorage(() => {
      const row = this.messageRow(messageId);
      const rows = this.db
        .prepare(
          `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? AND m.parent_id IS ?
           AND ${shownMessage('m')} ORDER BY m.created_at, m.seq`,
        )
        .all(row.conversation_id, row.parent_id) as MessageRow[];
      return rows.map(toMessageView);
    });
  }

  /**
   * Makes the branch through `messageId` active, continuing to the newest
   * leaf below it, and returns the conversation's newest page.
   */
  selectVersion(messageId: string, limit: number = DEFAULT_PAGE): OpenedConversation {
    return guardStorage(() => {
      const conversationId = this.activate(messageId);
      return this.openConversation({ conversationId, limit });
    });
  }

  /**
   * Opens a conversation at a message (a search hit), activating its branch
   * if it was not active. The page runs from a few messages above it to the
   * newest, so the hit is always loaded; `olderCursor` continues upwards.
   */
  openAtMessage(messageId: string): OpenedConversation {
    return guardStorage(() => {
      const conversationId = this.activate(messageId);
      const row = this.conversationRow(conversationId);
      const leaf = this.activeLeaf(row);
      const distance = (
        this.db
          .prepare(
            `WITH RECURSIVE chain(id, depth) AS (
               SELECT ?, 0 UNION ALL
               SELECT m.parent_id, chain.depth + 1 FROM chain JOIN messages m ON m.id = chain.id
               WHERE m.parent_id IS NOT NULL AND chain.id != ?
             ) SELECT max(depth) AS depth FROM chain`,
          )
          .get(leaf, messageId) as { depth: number | null }
      ).depth;
      const limit = (distance ?? 0) + 1 + CONTEXT_ABOVE_HIT;
      return { conversation: toConversation(row), ...this.pageEndingAt(leaf, limit) };
    });
  }

  /**
   * The turns from the root to `messageId`, for sending to the model. Replies
   * that failed with no text, and deleted messages, are left out. The system
   * prompt is not included; it is the conversation's `systemPrompt`.
   */
  buildContext(messageId: string): ContextMessage[] {
    return guardStorage(() => {
      this.messageRow(messageId);
      const rows = this.statements.chain.all(messageId, Number.MAX_SAFE_INTEGER) as MessageRow[];
      return rows
        .filter((row) => row.erased_at === null)
        .filter(
          (row) => !(row.role === 'assistant' && row.content === '' && row.status !== 'complete' && !row.tool_steps),
        )
        .flatMap((row): ContextMessage[] => [
          // A reply's tool rounds are replayed exactly as they were sent, before its final text.
          ...parseJsonColumn<ToolStep[]>(row.tool_steps, []).flatMap(stepMessages),
          {
            role: row.role,
            content: row.content,
            // The row's attachment list has no text; only messages that have files are read again.
            attachments: row.attachments !== '[]' ? this.attachmentRows.ofMessage(row.id) : [],
          },
        ]);
    });
  }

  /**
   * Deletes a message, with an undo token valid for {@link UNDO_WINDOW_MS}:
   * - `branch`: it and everything below it (its replies and their versions) are hidden at once and
   *   removed when the window ends. If that held the active leaf, the newest remaining branch under
   *   its parent becomes active;
   * - `message`: only it; it stays in its branch as a marker with no text, so the replies below it
   *   keep their place (a branch without its question). A message with nothing below it is deleted
   *   as a branch: a marker with nothing under it would stand for nothing.
   * @throws HistoryError `invalid_request` while a reply below it is still being written
   */
  deleteMessage(messageId: string, scope: MessageDeleteScope = 'branch'): DeleteReceipt {
    return guardStorage(() => {
      const row = this.messageRow(messageId);
      const subtree = this.statements.subtree.all(messageId) as Array<{ id: string; status: string }>;
      if (subtree.some((message) => message.status === 'streaming')) {
        throw new HistoryError('invalid_request', 'A reply is still being written here. Stop it first.');
      }
      const undoToken = this.newId();
      const time = this.now();
      this.db.transaction(() => {
        if (scope === 'message' && subtree.length > 1) {
          this.db
            .prepare('UPDATE messages SET erased_at = ?, erased_token = ? WHERE id = ?')
            .run(time, undoToken, messageId);
          return;
        }
        // Rows hidden by an earlier delete keep its token: undoing that one restores exactly them.
        this.db
          .prepare(
            `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id)
             UPDATE messages SET hidden_at = ?, hidden_token = ? WHERE id IN (SELECT id FROM sub) AND hidden_at IS NULL`,
          )
          .run(messageId, time, undoToken);
        const conversation = this.conversationRow(row.conversation_id);
        if (conversation.active_leaf_id !== null && this.isHidden(conversation.active_leaf_id)) {
          const leaf =
            row.parent_id !== null ? this.newestLeafUnder(row.parent_id) : this.newestLeafIn(row.conversation_id);
          this.db.prepare('UPDATE conversations SET active_leaf_id = ? WHERE id = ?').run(leaf, row.conversation_id);
        }
      })();
      return { undoToken, undoWindowMs: UNDO_WINDOW_MS };
    });
  }

  // ── Search ─────────────────────────────────────────────────────────────

  /** Titles and message text matching every term of `query`; deleted conversations excluded. */
  search(query: string, limit = 50): SearchHit[] {
    return this.searcher.search(query, limit);
  }

  // ── Internals ──────────────────────────────────────────────────────────

  /**
   * Restores the messages a `deleteMessage` took, if its window is still open; answers whether it
   * did. A branch comes back as the active one. A branch inside one deleted since cannot come back
   * on its own: it would hang under hidden messages.
   */
  private undoMessageDelete(undoToken: string): boolean {
    const since = this.now() - UNDO_WINDOW_MS;
    const erased = this.db
      .prepare('UPDATE messages SET erased_at = NULL, erased_token = NULL WHERE erased_token = ? AND erased_at > ?')
      .run(undoToken, since);
    if (erased.changes > 0) return true;
    const root = this.db
      .prepare(
        `SELECT m.id, m.parent_id FROM messages m WHERE m.hidden_token = ? AND m.hidden_at > ?
           AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.id = m.parent_id AND p.hidden_token = m.hidden_token)`,
      )
      .get(undoToken, since) as { id: string; parent_id: string | null } | undefined;
    if (!root || (root.parent_id !== null && this.isHidden(root.parent_id))) return false;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE messages SET hidden_at = NULL, hidden_token = NULL WHERE hidden_token = ?')
        .run(undoToken);
      this.activate(root.id);
    })();
    return true;
  }

  private isHidden(messageId: string): boolean {
    const row = this.db.prepare('SELECT hidden_at FROM messages WHERE id = ?').get(messageId) as
      { hidden_at: number | null } | undefined;
    return row === undefined || row.hidden_at !== null;
  }

  /** Every check a turn needs, run before anything is written; answers what to write. */
  private planTurn(turn: TurnRequest, conversation: ConversationRow | null): TurnPlan {
    const target = turn.targetMessageId ? this.messageRow(turn.targetMessageId) : null;
    if (target && target.conversation_id !== conversation?.id) {
      throw new HistoryError('invalid_request', 'That message belongs to another conversation.');
    }
    if (target && target.erased_at !== null) throw new HistoryError('invalid_request', 'That message was deleted.');
    const attached = (refs: readonly AttachmentRef[]): MessageAttachment[] => {
      const files = this.attachmentRows.resolve(refs);
      const total = files.reduce((sum, file) => sum + file.bytes, 0);
      if (files.length > ATTACHMENT_LIMITS.files) {
        throw new HistoryError('attachment_invalid', `A message can carry at most ${ATTACHMENT_LIMITS.files} files.`, {
          reason: 'too_many_files',
        });
      }
      if (total > ATTACHMENT_LIMITS.messageBytes) {
        const mb = (bytes: number) => `${Math.ceil(bytes / (1024 * 1024))} MB`;
        throw new HistoryError(
          'attachment_invalid',
          `These files add up to ${mb(total)}; a message can carry at most ${mb(ATTACHMENT_LIMITS.messageBytes)}.`,
          { reason: 'files_too_large' },
        );
      }
      return files;
    };
    const typed = (attachments: readonly MessageAttachment[]): string => {
      if (!turn.content.trim() && attachments.length === 0) {
        throw new HistoryError('invalid_request', 'There is nothing to send.');
      }
      return turn.content;
    };
    switch (turn.mode) {
      case 'send': {
        const attachments = attached(turn.attachments ?? []);
        return {
          kind: 'ask',
          parentId: conversation ? this.activeLeaf(conversation) : null,
          content: typed(attachments),
          attachments,
        };
      }
      case 'edit': {
        if (!target || target.role !== 'user') {
          throw new HistoryError('invalid_request', 'Only your own messages can be edited.');
        }
        const attachments = attached(turn.attachments ?? this.attachmentRows.ofMessage(target.id).map(toRef));
        return { kind: 'ask', parentId: target.parent_id, content: typed(attachments), attachments };
      }
      case 'regenerate': {
        if (!target) throw new HistoryError('invalid_request', 'Choose a reply to regenerate.');
        // Regenerating a user message answers it again; regenerating a reply makes a new version of it.
        const parentId = target.role === 'user' ? target.id : target.parent_id;
        if (!parentId) throw new HistoryError('invalid_request', 'That reply has no question to answer.');
        return { kind: 'answer', parentId };
      }
      case 'continue':
        if (!target || target.role !== 'assistant') {
          throw new HistoryError('invalid_request', 'Only a reply can be continued.');
        }
        return { kind: 'resume', messageId: target.id };
    }
  }

  private insertMessage(message: NewMessage): MessageView {
    return guardStorage(() => {
      this.conversationRow(message.conversationId);
      if (message.parentId !== null) this.messageInConversation(message.parentId, message.conversationId);
      const id = this.db.transaction(() => this.writeMessage(message))();
      return this.getMessage(id);
    });
  }

  /** Inserts a conversation; the caller checks and runs it in a transaction if it needs one. Returns its id. */
  private writeConversation(input: NewConversation): string {
    const id = this.newId();
    const time = this.now();
    this.statements.insertConversation.run(
      id,
      input.title?.trim() ?? '',
      time,
      time,
      input.providerId ?? null,
      input.model ?? null,
      input.systemPrompt ?? '',
      JSON.stringify(input.parameters ?? {}),
      JSON.stringify(input.toolServerIds ?? []),
    );
    return id;
  }

  /**
   * Inserts a message as the conversation's active leaf, and titles an untitled conversation
   * from a user message. The caller checks the parent and runs it in a transaction. Returns its id.
   */
  private writeMessage(message: NewMessage): string {
    const { conversationId, parentId, role, content, status, model, attachments = [] } = message;
    const id = this.newId();
    const time = this.now();
    this.statements.insertMessage.run(
      id,
      conversationId,
      parentId,
      role,
      content,
      status,
      model,
      time,
      attachmentSearchText(attachments),
    );
    this.attachmentRows.link(id, attachments);
    this.statements.touch.run(time, id, conversationId);
    if (role === 'user') {
      // A message of only files is named after the first one.
      const title = titleFromMessage(content) || titleFromMessage(attachments[0]?.name ?? '');
      if (title !== '') this.statements.titleIfUntitled.run(title, conversationId);
    }
    return id;
  }

  /** Marks a cut-off reply as streaming again and activates its branch; run in a transaction. */
  private writeResume(messageId: string): void {
    this.db
      .prepare("UPDATE messages SET status = 'streaming', error_code = NULL, error_message = NULL WHERE id = ?")
      .run(messageId);
    this.activate(messageId);
  }

  /** Points the conversation's active leaf at the newest leaf below `messageId`; returns the conversation id. */
  private activate(messageId: string): string {
    const row = this.messageRow(messageId);
    const leaf = this.newestLeafUnder(messageId) ?? messageId;
    this.db.prepare('UPDATE conversations SET active_leaf_id = ? WHERE id = ?').run(leaf, row.conversation_id);
    return row.conversation_id;
  }

  private pageEndingAt(start: string | null, limit: number): { messages: MessageView[]; olderCursor: string | null } {
    if (start === null) return { messages: [], olderCursor: null };
    // limit + 1 rows: the extra one only tells whether an older page exists.
    const rows = this.statements.chain.all(start, limit) as MessageRow[];
    const hasOlder = rows.length > limit;
    const kept = hasOlder ? rows.slice(rows.length - limit) : rows;
    return { messages: kept.map(toMessageView), olderCursor: hasOlder ? (kept[0]?.id ?? null) : null };
  }

  private activeLeaf(row: ConversationRow): string | null {
    if (row.active_leaf_id !== null) {
      const exists = this.db
        .prepare(`SELECT 1 AS x FROM messages m WHERE id = ? AND conversation_id = ? AND ${shownMessage('m')}`)
        .get(row.active_leaf_id, row.id);
      if (exists !== undefined) return row.active_leaf_id;
    }
    return this.newestLeafIn(row.id);
  }

  private newestLeafUnder(messageId: string): string | null {
    const row = this.statements.newestLeafUnder.get(messageId) as { id: string } | undefined;
    return row?.id ?? null;
  }

  private newestLeafIn(conversationId: string): string | null {
    const row = this.statements.newestLeafInConversation.get(conversationId) as { id: string } | undefined;
    return row?.id ?? null;
  }

  private conversationRow(conversationId: string): ConversationRow {
    const row = this.statements.conversation.get(conversationId) as ConversationRow | undefined;
    if (!row) throw new HistoryError('missing', 'This conversation no longer exists.');
    return row;
  }

  private messageRow(messageId: string): MessageRow {
    const row = this.statements.message.get(messageId) as MessageRow | undefined;
    if (!row) throw new HistoryError('missing', 'This message no longer exists.');
    return row;
  }

  private messageInConversation(messageId: string, conversationId: string): MessageRow {
    const row = this.messageRow(messageId);
    if (row.conversation_id !== conversationId)
      throw new HistoryError('missing', 'This message is not in this conversation.');
    return row;
  }

  private requireChange(result: { changes: number }): void {
    if (result.changes === 0) throw new HistoryError('missing', 'This conversation no longer exists.');
  }
}
