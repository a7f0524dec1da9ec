/**
 * Writes an import so that the database is as it was until the very end:
 * conversations are written hidden ("staged": marked deleted, with a token
 * naming this import, and a deletion time no purge reaches), in many short
 * transactions so that main's own writes (a reply streaming in another
 * window) wait a few milliseconds at most, never the whole import: a
 * transaction also ends early, between two rows, as soon as main has a write
 * waiting. Staged rows are not indexed for search as they are written (the
 * version 6 triggers skip them); once they are all written, their search rows
 * are built in bulk, a chunk of rows per statement, which is several times
 * cheaper than the per-row triggers. One last short transaction publishes
 * them all. A cancel or a failure deletes the staged rows instead, and an
 * import cut off by a crash is swept at the next start, so no half import is
 * ever visible.
 */
import type { BlobStore } from '../attachments/BlobStore';
import { describeFile, describePdf } from '../attachments/describeFile';
import { attachmentSearchText, type MessageAttachment } from '../history/AttachmentStore';
import type { HistoryDatabase } from '../history/database';
import { messageSearchBody, STAGED_IMPORT_TOKEN_PREFIX } from '../history/migrations';
import type { ImportedConversation, ResolvedFile } from './importModel';

/** Staged conversations carry `import:<import id>:<conversation id>` as their undo token. */
const STAGED_TOKEN_PREFIX = STAGED_IMPORT_TOKEN_PREFIX;
/** Far enough in the future that the purge of expired deletes never takes a staged conversation. */
const STAGED_DELETED_AT = Number.MAX_SAFE_INTEGER;

/** Rows indexed per statement while building the search rows: large enough to be bulk, small enough to stop soon. */
const INDEX_ROWS_PER_STATEMENT = 24;

/** What `add` decided for one conversation. */
export type StageDecision = 'added' | 'present' | 'messages_elsewhere';

interface PendingRow {
  bytes: number;
  write: () => void;
}

/** One import being staged; see the module comment. */
export class StagedImport {
  private readonly pending: PendingRow[] = [];
  private pendingCount = 0;
  private pendingWeight = 0;
  private readonly queuedConversationKeys = new Set<string>();
  private readonly queuedMessageKeys = new Set<string>();
  /** The rowids of the staged rows, in the order written: what the search rows are built from. */
  private readonly stagedMessageSeqs: number[] = [];
  private readonly stagedConversationSeqs: number[] = [];
  private readonly statements;
  conversationsAdded = 0;
  messagesAdded = 0;

  constructor(
    private readonly db: HistoryDatabase,
    private readonly importId: string,
    private readonly newId: () => string,
    /** Called before every write transaction: lets main's waiting writes go first (see writeGate.ts). */
    private readonly beforeWrite: () => void = () => {},
    /** Where imported files' bytes go; without it imported files are left out. */
    private readonly blobs: BlobStore | null = null,
    /** True while main has a write waiting: the transaction in progress then ends at the next row. */
    private readonly mainIsWaiting: () => boolean = () => false,
  ) {
    this.statements = {
      conversationKnown: db.prepare('SELECT 1 AS x FROM conversations WHERE import_key = ? OR id = ?'),
      messageKnown: db.prepare('SELECT 1 AS x FROM messages WHERE import_key = ? OR id = ?'),
      insertConversation: db.prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, pinned, provider_id, model, system_prompt,
           parameters, active_leaf_id, import_key, deleted_at, undo_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMessage: db.prepare(
        `INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, status, error_code,
           error_message, model, usage, ttft_ms, duration_ms, created_at, import_key, attachment_text, tool_steps, erased_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // A file already known keeps its row (and its grace period); links make it referenced.
      recordAttachment: db.prepare(
        `INSERT INTO attachments (sha256, kind, mime_type, bytes, width, height, pages, text, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
      ),
      linkAttachment: db.prepare(
        'INSERT INTO message_attachments (message_id, position, sha256, name) VALUES (?, ?, ?, ?)',
      ),
      indexMessages: db.prepare(
        `INSERT INTO messages_fts (rowid, body)
         SELECT m.seq, ${messageSearchBody('m')} FROM messages AS m
         WHERE m.seq IN (SELECT value FROM json_each(?)) AND m.status != 'streaming'`,
      ),
      indexTitles: db.prepare(
        `INSERT INTO titles_fts (rowid, title)
         SELECT seq, title FROM conversations WHERE seq IN (SELECT value FROM json_each(?))`,
      ),
    };
  }

  /** Text waiting to be written, in UTF-16 code units: what decides when to write a batch. */
  get pendingBytes(): number {
    return this.pendingWeight;
  }

  /**
   * Decides for one conversation and queues its rows: `present` when the
   * history (or this file, earlier) already has it, `messages_elsewhere` when
   * its messages already belong to another conversation, else `added`.
   */
  add(conversation: ImportedConversation): StageDecision {
    const { conversationKnown, messageKnown } = this.statements;
    if (
      this.queuedConversationKeys.has(conversation.key) ||
      (conversation.localId !== null && this.queuedConversationKeys.has(conversation.localId)) ||
      conversationKnown.get(conversation.key, conversation.localId ?? '') !== undefined
    ) {
      return 'present';
    }
    // A Nagare export keeps its ids, so a round trip into another database is identical.
    const keepIds = conversation.localId !== null;
    const taken = (m: ImportedConversation['messages'][number]) =>
      this.queuedMessageKeys.has(m.key) || messageKnown.get(m.key, keepIds ? m.sourceId : '') !== undefined;
    if (conversation.messages.some(taken)) {
      return 'messages_elsewhere';
    }
    this.queuedConversationKeys.add(conversation.key);
    if (conversation.localId !== null) this.queuedConversationKeys.add(conversation.localId);
    for (const message of conversation.messages) this.queuedMessageKeys.add(message.key);

    const conversationId = conversation.localId ?? this.newId();
    const ids = new Map(conversation.messages.map((m) => [m.sourceId, keepIds ? m.sourceId : this.newId()]));
    const activeLeaf =
      conversation.activeLeafSourceId !== null ? (ids.get(conversation.activeLeafSourceId) ?? null) : null;
    this.queue(conversation.title.length + conversation.systemPrompt.length, () => {
      const { lastInsertRowid } = this.statements.insertConversation.run(
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
        STAGED_DELETED_AT,
        `${STAGED_TOKEN_PREFIX}${this.importId}:${conversationId}`,
      );
      this.stagedConversationSeqs.push(Number(lastInsertRowid));
      this.conversationsAdded++;
    });
    for (const m of conversation.messages) {
      const files = this.keep(m.resolved ?? []);
      this.queue(m.content.length + m.reasoning.length, () => {
        const { lastInsertRowid } = this.statements.insertMessage.run(
          ids.get(m.sourceId)!,
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
          attachmentSearchText(files),
          m.toolSteps.length > 0 ? JSON.stringify(m.toolSteps) : null,
          m.deleted ? m.createdAt : null,
        );
        this.stagedMessageSeqs.push(Number(lastInsertRowid));
        const messageId = ids.get(m.sourceId)!;
        files.forEach((file, position) => {
          const { sha256, kind, mimeType, bytes, width, height, pages, text } = file;
          this.statements.recordAttachment.run(sha256, kind, mimeType, bytes, width, height, pages, text, m.createdAt);
          this.statements.linkAttachment.run(messageId, position, sha256, file.name);
        });
        this.messagesAdded++;
      });
    }
    return 'added';
  }

  /**
   * Writes the queued rows in transactions of at most `batchBytes` of text,
   * and of about `batchMillis` of work, whichever comes first: main's writes
   * wait for the current transaction, so its length bounds main's stall, on a
   * busy machine too. A large conversation spans several (it is hidden until
   * published). A transaction ends early when main has a write waiting.
   * Checks `shouldStop` between transactions.
   */
  writePending(batchBytes: number, shouldStop: () => boolean = () => false, batchMillis = 12): void {
    while (this.pendingCount > 0 && !shouldStop()) {
      this.beforeWrite();
      writeTransaction(this.db, () => {
        const started = performance.now();
        let written = 0;
        while (
          this.pendingCount > 0 &&
          (written === 0 ||
            (written < batchBytes && performance.now() - started < batchMillis && !this.mainIsWaiting()))
        ) {
          const row = this.pending[this.pending.length - this.pendingCount]!;
          row.write();
          written += row.bytes + 64;
          this.pendingCount--;
          this.pendingWeight -= row.bytes;
        }
      });
      if (this.pendingCount === 0) this.pending.length = 0;
    }
  }

  /**
   * Builds the search rows of everything written so far (call it after the
   * last `writePending`), in transactions of about `batchMillis` that end
   * early when main has a write waiting. Checks `shouldStop` between them, and
   * tells `onIndexed` how many rows of how many are done after each.
   * The rows stay hidden from search until `publish`, as the rows they index do.
   */
  indexForSearch(
    shouldStop: () => boolean = () => false,
    batchMillis = 12,
    onIndexed: (done: number, total: number) => void = () => {},
  ): void {
    const work: Array<{ seqs: number[]; statement: { run(seqs: string): unknown } }> = [
      { seqs: this.stagedMessageSeqs, statement: this.statements.indexMessages },
      { seqs: this.stagedConversationSeqs, statement: this.statements.indexTitles },
    ];
    const total = work.reduce((sum, { seqs }) => sum + seqs.length, 0);
    let finished = 0;
    onIndexed(0, total);
    for (const { seqs, statement } of work) {
      let next = 0;
      while (next < seqs.length && !shouldStop()) {
        this.beforeWrite();
        writeTransaction(this.db, () => {
          const started = performance.now();
          do {
            statement.run(JSON.stringify(seqs.slice(next, next + INDEX_ROWS_PER_STATEMENT)));
            next += INDEX_ROWS_PER_STATEMENT;
          } while (next < seqs.length && performance.now() - started < batchMillis && !this.mainIsWaiting());
        });
        onIndexed(finished + Math.min(next, seqs.length), total);
      }
      finished += seqs.length;
      if (next >= seqs.length) seqs.length = 0;
    }
  }

  /** Makes every staged conversation visible at once. */
  publish(): void {
    this.beforeWrite();
    this.db
      .prepare('UPDATE conversations SET deleted_at = NULL, undo_token = NULL WHERE undo_token GLOB ?')
      .run(`${STAGED_TOKEN_PREFIX}${this.importId}:*`);
  }

  /** Deletes what this import staged, its messages with it; in short transactions too. */
  discard(): void {
    this.pending.length = 0;
    this.pendingCount = 0;
    this.pendingWeight = 0;
    discardStaged(this.db, `${STAGED_TOKEN_PREFIX}${this.importId}:*`, this.beforeWrite);
  }

  /** Keeps the bytes of imported files in the blob store; files that are not images, text or PDFs are left out. */
  private keep(files: readonly ResolvedFile[]): MessageAttachment[] {
    if (!this.blobs || files.length === 0) return [];
    const kept: MessageAttachment[] = [];
    for (const file of files) {
      const described = describeFile(file.bytes);
      if (!described.ok) continue;
      const stored = 'pdf' in described ? describePdf(file.bytes, file.pages, file.text ?? '') : described.attachment;
      this.blobs.ensure();
      kept.push({ ...stored, sha256: this.blobs.put(file.bytes), name: file.name });
    }
    return kept;
  }

  private queue(bytes: number, write: () => void): void {
    this.pending.push({ bytes, write });
    this.pendingCount++;
    this.pendingWeight += bytes;
  }
}

/**
 * Runs `work` in a write transaction. Unlike libsql's `transaction()`, the
 * original error survives when SQLite has already rolled back by itself (a
 * full disk does), instead of a "no transaction is active" from the rollback.
 */
function writeTransaction<T>(db: HistoryDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function discardStaged(db: HistoryDatabase, pattern: string, beforeWrite: () => void = () => {}): number {
  const batch = db.prepare(
    `DELETE FROM conversations WHERE seq IN (SELECT seq FROM conversations WHERE undo_token GLOB ? LIMIT 20)`,
  );
  let removed = 0;
  for (;;) {
    beforeWrite();
    const { changes } = writeTransaction(db, () => batch.run(pattern));
    removed += changes;
    if (changes === 0) return removed;
  }
}

/** True when an import was cut off (a crash, a kill) and left staged rows behind. */
export function hasUnfinishedImports(db: HistoryDatabase): boolean {
  return (
    db.prepare('SELECT 1 AS x FROM conversations WHERE undo_token GLOB ? LIMIT 1').get(`${STAGED_TOKEN_PREFIX}*`) !==
    undefined
  );
}

/** Deletes what imports cut off by a crash left staged. Returns how many conversations went. */
export function discardUnfinishedImports(db: HistoryDatabase, beforeWrite: () => void = () => {}): number {
  return discardStaged(db, `${STAGED_TOKEN_PREFIX}*`, beforeWrite);
}
