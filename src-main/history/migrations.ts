/**
 * The schema, as an ordered list of migrations keyed by `PRAGMA user_version`.
 * A migration is never edited once released: a change is a new entry.
 */

/** One step of the schema; `version` is the `user_version` after it ran. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Version 1: conversations, messages as a tree (siblings under one parent are
 * versions of a reply or an edit) and drafts.
 *
 * `messages.parent_id` has no foreign key on purpose: a cascade down a long
 * chain runs one trigger level per message and hits SQLite's recursion limit,
 * so the repository deletes whole subtrees itself in one statement.
 * `seq` is an explicit rowid so the search index, keyed by rowid, survives a
 * VACUUM (which may renumber implicit rowids); it also orders rows by age.
 */
const V1_SQL = `
CREATE TABLE conversations (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  provider_id TEXT,
  model TEXT,
  system_prompt TEXT NOT NULL DEFAULT '',
  parameters TEXT NOT NULL DEFAULT '{}',
  active_leaf_id TEXT,
  deleted_at INTEGER,
  undo_token TEXT,
  import_key TEXT
);
CREATE INDEX conversations_listing ON conversations (pinned DESC, updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX conversations_import_key ON conversations (import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX conversations_undo_token ON conversations (undo_token) WHERE undo_token IS NOT NULL;

CREATE TABLE messages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  parent_id TEXT,
  role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
  content TEXT NOT NULL DEFAULT '',
  reasoning TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('streaming', 'complete', 'interrupted', 'error', 'cancelled')),
  error_code TEXT,
  error_message TEXT,
  model TEXT,
  usage TEXT,
  ttft_ms INTEGER,
  duration_ms INTEGER,
  created_at INTEGER NOT NULL,
  import_key TEXT
);
CREATE INDEX messages_siblings ON messages (conversation_id, parent_id, created_at, seq);
CREATE INDEX messages_parent ON messages (parent_id);
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';
CREATE UNIQUE INDEX messages_import_key ON messages (import_key) WHERE import_key IS NOT NULL;

CREATE TABLE drafts (
  key TEXT PRIMARY KEY NOT NULL,
  text TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

/**
 * Version 2: stream logs for the inspector, and full-text search.
 *
 * The FTS tables are contentless (`contentless_delete`) so a row can be
 * removed by rowid alone, and use the trigram tokenizer so Japanese and
 * Chinese substrings match without word boundaries. A message is indexed once
 * it stops streaming, so a stream's frequent flushes do not rewrite the index.
 * Message text is indexed with two trailing newlines so that one or two characters at
 * the very end still begin a trigram; `messages_fts_terms` lists the trigrams,
 * which is how two-character queries find their trigrams (see search.ts).
 */
const V2_SQL = `
CREATE TABLE stream_logs (
  message_id TEXT PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  log TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE VIRTUAL TABLE messages_fts USING fts5 (body, tokenize = 'trigram', content = '', contentless_delete = 1);
CREATE VIRTUAL TABLE titles_fts USING fts5 (title, tokenize = 'trigram', content = '', contentless_delete = 1);
CREATE VIRTUAL TABLE messages_fts_terms USING fts5vocab (messages_fts, row);

INSERT INTO messages_fts (rowid, body) SELECT seq, content || char(10, 10) FROM messages WHERE status != 'streaming';
INSERT INTO titles_fts (rowid, title) SELECT seq, title FROM conversations;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status != 'streaming' BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.content || char(10, 10));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.seq;
  INSERT INTO messages_fts (rowid, body) SELECT new.seq, new.content || char(10, 10) WHERE new.status != 'streaming';
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.seq;
END;

CREATE TRIGGER titles_fts_insert AFTER INSERT ON conversations BEGIN
  INSERT INTO titles_fts (rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER titles_fts_update AFTER UPDATE OF title ON conversations BEGIN
  DELETE FROM titles_fts WHERE rowid = old.seq;
  INSERT INTO titles_fts (rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER titles_fts_delete AFTER DELETE ON conversations BEGIN
  DELETE FROM titles_fts WHERE rowid = old.seq;
END;
`;

/**
 * Version 3: what a reply's error said about waiting, and messages deleted with an undo window.
 *
 * `error_retry_after` (seconds) and `error_at` (when the error happened) keep a rate limit's
 * countdown running from the moment the server answered, across reopening and restarts.
 *
 * A message can be deleted two ways, each with its own undo token, and stays until its undo window
 * has passed:
 * - with everything below it: the rows are hidden (`hidden_at`, `hidden_token`), then removed. Every
 *   row below a hidden one is hidden too;
 * - on its own: the row stays in its branch as a "deleted" marker (`erased_at`, `erased_token`), so
 *   the replies below keep their place; its text is erased when the window ends.
 */
const V3_SQL = `
ALTER TABLE messages ADD COLUMN error_retry_after REAL;
ALTER TABLE messages ADD COLUMN error_at INTEGER;
ALTER TABLE messages ADD COLUMN hidden_at INTEGER;
ALTER TABLE messages ADD COLUMN hidden_token TEXT;
ALTER TABLE messages ADD COLUMN erased_at INTEGER;
ALTER TABLE messages ADD COLUMN erased_token TEXT;
CREATE INDEX messages_hidden ON messages (hidden_at) WHERE hidden_at IS NOT NULL;
CREATE INDEX messages_hidden_token ON messages (hidden_token) WHERE hidden_token IS NOT NULL;
CREATE INDEX messages_erased ON messages (erased_at) WHERE erased_at IS NOT NULL;
CREATE INDEX messages_erased_token ON messages (erased_token) WHERE erased_token IS NOT NULL;
`;

/**
 * Version 4: attachments. The bytes live in files named by their SHA-256
 * (`attachments/<sha256>` in the user-data folder); `attachments` describes
 * each once, however many messages carry it, with the text that is sent for
 * it (a text file's, a PDF's). `message_attachments` lists a message's files in
 * order, each under the name it was attached with. Deleting a message drops its
 * links; an attachment no message or draft refers to any more is removed by
 * the garbage collection (AttachmentStore).
 *
 * Search covers attachments through `messages.attachment_text` (each file's name
 * and text, written with the message and never changed): the index triggers
 * now index it after the message's own text.
 */
const V4_SQL = `
CREATE TABLE attachments (
  sha256 TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'text', 'pdf')),
  mime_type TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  width INTEGER,
  height INTEGER,
  pages INTEGER,
  text TEXT,
  added_at INTEGER NOT NULL
);

CREATE TABLE message_attachments (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  sha256 TEXT NOT NULL REFERENCES attachments (sha256),
  name TEXT NOT NULL,
  PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_sha256 ON message_attachments (sha256);

ALTER TABLE messages ADD COLUMN attachment_text TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status != 'streaming' BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.content || char(10) || new.attachment_text || char(10, 10));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status, attachment_text ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.seq;
  INSERT INTO messages_fts (rowid, body)
    SELECT new.seq, new.content || char(10) || new.attachment_text || char(10, 10) WHERE new.status != 'streaming';
END;
`;

/**
 * Version 5: tool calls. A conversation names the MCP servers whose tools it offers; a reply
 * keeps the rounds of tool calls it went through (`tool_steps`, JSON: the text before each
 * round, each call with its arguments and result) beside its final text, so the message tree is
 * unchanged and a reply replays as the exact `tool_calls` and `role: "tool"` messages. Search
 * indexes the names of the tools a reply called after its text and its files' text.
 */
const V5_SQL = `
ALTER TABLE conversations ADD COLUMN tool_servers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN tool_steps TEXT;

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status != 'streaming' BEGIN
  INSERT INTO messages_fts (rowid, body)
    VALUES (new.seq, new.content || char(10) || new.attachment_text || char(10, 10) || ${TOOL_NAMES('new')});
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status, attachment_text, tool_steps ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.seq;
  INSERT INTO messages_fts (rowid, body)
    SELECT new.seq, new.content || char(10) || new.attachment_text || char(10, 10) || ${TOOL_NAMES('new')}
    WHERE new.status != 'streaming';
END;
`;

/**
 * How the undo token of a conversation an import has staged and not yet published begins
 * (transfer/stagedImport.ts). Migration 6's triggers name it: never change it.
 */
export const STAGED_IMPORT_TOKEN_PREFIX = 'import:';

/**
 * Version 6: an import builds its search rows in bulk. Rows staged by an import (a conversation
 * whose undo token begins with `import:`, see transfer/stagedImport.ts, and its messages) are no
 * longer indexed row by row as they are written: the import indexes them itself with one
 * `INSERT … SELECT` per chunk once they are all written, before it publishes them, which costs a
 * fraction of the per-row triggers (their many small index segments are merged again and again).
 * Every other row is indexed by the triggers exactly as before, with the same text.
 */
const V6_SQL = `
DROP TRIGGER messages_fts_insert;
DROP TRIGGER titles_fts_insert;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  WHEN new.status != 'streaming'
    AND NOT EXISTS (SELECT 1 FROM conversations WHERE id = new.conversation_id AND undo_token GLOB '${STAGED_IMPORT_TOKEN_PREFIX}*')
BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.seq, ${messageSearchBody('new')});
END;
CREATE TRIGGER titles_fts_insert AFTER INSERT ON conversations
  WHEN new.undo_token IS NULL OR new.undo_token NOT GLOB '${STAGED_IMPORT_TOKEN_PREFIX}*'
BEGIN
  INSERT INTO titles_fts (rowid, title) VALUES (new.seq, new.title);
END;
`;

/**
 * What the search index holds for a message row named `row`: its text, its files' names and
 * text, then the names of the tools it called (as the version 5 triggers index it).
 */
export function messageSearchBody(row: string): string {
  return `${row}.content || char(10) || ${row}.attachment_text || char(10, 10) || ${TOOL_NAMES(row)}`;
}

/** The names of the tools a reply called, each followed by two newlines; '' when none. */
function TOOL_NAMES(row: string): string {
  return `coalesce((SELECT group_concat(json_extract(call.value, '$.name') || char(10, 10), '')
    FROM json_each(CASE WHEN json_valid(${row}.tool_steps) THEN ${row}.tool_steps ELSE '[]' END) AS step,
         json_each(step.value, '$.calls') AS call), '')`;
}

/** Every migration, oldest first. The last one's version is the current schema. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'conversations, messages, drafts', sql: V1_SQL },
  { version: 2, description: 'stream logs and full-text search', sql: V2_SQL },
  { version: 3, description: 'stored retry-after of errors, message delete with undo', sql: V3_SQL },
  { version: 4, description: 'attachments', sql: V4_SQL },
  { version: 5, description: 'tool servers per conversation, tool calls per reply', sql: V5_SQL },
  { version: 6, description: 'search rows of an import built in bulk', sql: V6_SQL },
];

/** The schema version this build writes. */
export const CURRENT_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
