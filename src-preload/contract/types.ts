/**
 * Plain data that crosses IPC: what main answers and pushes. Inputs, and the
 * types that have a schema (settings, generation parameters), are defined by
 * their schemas in `schemas.ts` and inferred from them here.
 */
import type { z } from 'zod';
import type { NagareErrorShape } from './errors';
import type { generationParameters, storedSettings } from './schemas';
import type { ToolResult, ToolStep } from './tools';

export type MessageRole = 'system' | 'user' | 'assistant';
export type MessageStatus = 'streaming' | 'complete' | 'interrupted' | 'error' | 'cancelled';

export type GenerationParameters = z.output<typeof generationParameters>;

export interface Usage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  reasoningTokens?: number;
  /** True when the count was estimated from the text because the server sent none. */
  estimated?: boolean;
}

/** Timing of one reply, measured in main. Milliseconds. */
export interface StreamMetrics {
  timeToFirstByteMs?: number;
  timeToFirstTokenMs?: number;
  durationMs?: number;
  tokens?: number;
  tokensPerSecond?: number;
}

export interface ConversationSummary {
  id: string;
  title: string;
  pinned: boolean;
  createdAt: number;
  updatedAt: number;
  providerId: string | null;
  model: string | null;
}

export interface Conversation extends ConversationSummary {
  systemPrompt: string;
  parameters: GenerationParameters;
  /** The MCP servers whose tools this conversation offers the model; none by default. */
  toolServerIds: string[];
}

export interface MessageView {
  id: string;
  conversationId: string;
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
  /** 1-based position among the versions that share this message's parent. */
  versionIndex: number;
  versionCount: number;
  /** Ids of every version of this message (siblings under the same parent), oldest first. */
  versionIds: string[];
  hasStreamLog: boolean;
  /**
   * Deleted on its own while the replies below it were kept: it stays in its branch as a marker,
   * with no text. (A message deleted with its replies is not listed at all.)
   */
  deleted: boolean;
  /** Files the user attached to this message, in the order they were added; empty for replies. */
  attachments: AttachmentView[];
  /** The rounds of tool calls a reply went through before its final text, oldest first. */
  toolSteps: ToolStep[];
}

/** What an attachment is: an image sent as an image, or a file whose text is sent. */
export type AttachmentKind = 'image' | 'text' | 'pdf';

/**
 * A file attached to a message, as the renderer sees it: never where it is on
 * disk. Its bytes are read with `attachments.read` by `id`.
 */
export interface AttachmentView {
  /** The SHA-256 of its bytes, in lower-case hex: its name in the content-addressed store. */
  id: string;
  /** The file name the user gave it (shown, and used when it is saved or opened). */
  name: string;
  kind: AttachmentKind;
  /** Decided from the bytes, never from the name. */
  mimeType: string;
  bytes: number;
  /** Images: their size in pixels, when the header says. */
  width: number | null;
  height: number | null;
  /** PDFs: how many pages. */
  pages: number | null;
  /** Text files and PDFs: how many characters of text are sent; 0 for a PDF without a text layer (a scan). */
  textChars: number | null;
}

/** A file the composer holds, as `chat.start` refers to it: stored by `attachments.add` first. */
export interface AttachmentRef {
  id: string;
  name: string;
}

/**
 * The unsent message of one place (a conversation, or the new chat), kept
 * across switching and restarts: its text and the files waiting as chips.
 */
export interface Draft {
  text: string;
  /** Files added to the composer and not sent yet, in order; ones no longer stored are left out. */
  attachments: AttachmentView[];
}

/** How much a message can carry; main enforces these, the renderer says them before sending. */
export const ATTACHMENT_LIMITS = {
  /** One file, after an image was downscaled. */
  fileBytes: 20 * 1024 * 1024,
  /** All the files of one message together. */
  messageBytes: 50 * 1024 * 1024,
  /** Files in one message. */
  files: 10,
  /** Images are sent at most this many pixels on their long side. */
  imageSide: 2048,
} as const;

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null at the end. */
  nextCursor: string | null;
}

export interface OpenedConversation {
  conversation: Conversation;
  /** The active branch, oldest first; the newest page when paged. */
  messages: MessageView[];
  /** Pass as `before` to load older messages; null when the branch is complete. */
  olderCursor: string | null;
}

export interface SearchHit {
  conversationId: string;
  conversationTitle: string;
  messageId: string | null;
  role: MessageRole | null;
  /** Plain text around the match; the matched ranges are in `highlights`. */
  snippet: string;
  highlights: Array<[start: number, end: number]>;
  updatedAt: number;
}

export type AuthStyle = 'bearer' | 'api-key' | 'none';

/** A provider as the renderer sees it: never a key, at most a hint of one. */
export interface ProviderView {
  id: string;
  presetId: string;
  name: string;
  baseUrl: string;
  authStyle: AuthStyle;
  needsKey: boolean;
  /** Its server is this computer (a loopback base URL, whatever the preset): it can answer while offline. */
  isLocal: boolean;
  defaultModel: string;
  models: string[];
  apiVersion?: string;
  custom: boolean;
  keyEnvVar: string;
  /**
   * A plain-http server on the user's local network, as they said when saving it: its traffic,
   * the key included, is not encrypted, and the settings screen says so.
   */
  localNetwork: boolean;
}

export interface ProviderPresetView {
  id: string;
  name: string;
  baseUrl: string;
  authStyle: AuthStyle;
  defaultModels: string[];
  needsDeployment: boolean;
}

export interface SecretStatus {
  isSet: boolean;
  /** At most the last four characters of the key. */
  hint: string;
  /** Where the key lives: the OS keychain, or main memory until quit. */
  storage: 'keychain' | 'session' | null;
}

export interface KeychainState {
  available: boolean;
  /** Why it is not, as a code and a reason: the window says it, with this platform's fix, in its language. */
  problem: NagareErrorShape | null;
}

export interface SecretsOverview {
  keychain: KeychainState;
  providers: Record<string, SecretStatus>;
}

/**
 * The choices of the theme and language preferences. The schemas are built
 * from these lists (`z.enum`); they are plain values so that the renderer can
 * list them without loading zod.
 */
export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export const LANGUAGE_PREFERENCES = ['system', 'en', 'ja'] as const;
export type ThemePreference = Settings['theme'];
export type LanguagePreference = Settings['language'];

/** The user's preferences, as `settings.get` answers them. */
export type Settings = z.output<typeof storedSettings>;

export interface AppInfo extends StorageReport {
  version: string;
  platform: 'darwin' | 'win32' | 'linux';
  systemLocale: string;
  online: boolean;
}

/**
 * What went wrong with the history's storage, as `app.info` tells a window that loads and
 * `history.replaced` tells the open ones when a damaged database is found after start-up.
 */
export interface StorageReport {
  /** Set when the database was damaged and moved aside (here); a fresh one took its place. */
  recoveredDatabasePath: string | null;
  /**
   * Set when the database's write-ahead log was damaged at start-up: the changes after the damage
   * could not be applied, and a copy of the log was kept here.
   */
  damagedWalPath: string | null;
  /** Set when storage could not be opened at all: why, as a code and a reason the window puts in words. */
  storageProblem: NagareErrorShape | null;
}

export interface ChatStarted {
  streamId: string;
  conversationId: string;
  userMessageId: string | null;
  assistantMessageId: string;
}

/**
 * Events main pushes for a running reply. `seq` counts from 0 per stream, one
 * per event; windows check it on arrival: a repeated or late event is dropped,
 * and a gap (a window that loaded mid-reply) means its text has a hole.
 */
export type ChatEvent =
  /** First of every stream, to every window: which conversation and message it fills. */
  | { streamId: string; seq: number; kind: 'started'; conversationId: string; messageId: string }
  | { streamId: string; seq: number; kind: 'delta'; text: string }
  | { streamId: string; seq: number; kind: 'reasoning'; text: string }
  | { streamId: string; seq: number; kind: 'usage'; usage: Usage }
  /**
   * The model asked for tools: the reply's text so far moves into this round; `askIds` are the
   * calls waiting for Run / Deny / Always allow (`tools.decide`); the others run at once.
   */
  | { streamId: string; seq: number; kind: 'tool-calls'; step: ToolStep; stepIndex: number; askIds: string[] }
  /** One call of the latest round ended. */
  | { streamId: string; seq: number; kind: 'tool-result'; callId: string; result: ToolResult }
  | {
      streamId: string;
      seq: number;
      kind: 'done';
      finishReason: string | null;
      refusal: string;
      metrics: StreamMetrics;
    }
  | {
      streamId: string;
      seq: number;
      kind: 'error';
      error: NagareErrorShape;
      metrics: StreamMetrics;
    };

export interface HistoryChange {
  conversationId: string | null;
  reason: 'created' | 'updated' | 'deleted' | 'restored' | 'imported' | 'message';
}

export interface DeleteReceipt {
  undoToken: string;
  /** Milliseconds until the delete becomes final. */
  undoWindowMs: number;
}

export type ExportFormat = 'markdown' | 'json';

/**
 * Why an entry of an import file was left out while the rest was imported:
 * not a conversation object at all, no message tree (`mapping`), no id to
 * recognise it by, parent links that loop, no message a person wrote or read,
 * damaged fields, or messages that already belong to another conversation.
 */
export type ImportSkipReason =
  'not_a_conversation' | 'no_mapping' | 'no_id' | 'cycle' | 'no_messages' | 'damaged' | 'messages_elsewhere';

/** An entry an import left out, named by its title, else its id, else its place in the file (`#12`). */
export interface SkippedConversation {
  name: string;
  reason: ImportSkipReason;
}

/** What an import did. A cancelled import changed nothing and reports zeros. */
export interface ImportReport {
  cancelled: boolean;
  conversationsAdded: number;
  messagesAdded: number;
  /** Conversations the history already had (imported before, or exported from here). */
  alreadyPresent: number;
  /** The first skipped entries, in file order; `skippedCount` counts them all. */
  skipped: SkippedConversation[];
  skippedCount: number;
}

/** How far a running import or export is; pushed to the window that started it a few times a second. */
export interface TransferProgress {
  kind: 'import' | 'export';
  /** Bytes of the file read (import) or written (export) so far. */
  bytes: number;
  /** The size of the file being imported; null for an export, whose size is known only at the end. */
  totalBytes: number | null;
  /** Conversations read or written so far. */
  conversations: number;
  /** How many an export writes; null for an import, which learns it only at the end. */
  totalConversations: number | null;
  /**
   * An import's last step, once the whole file is read: messages and titles made searchable so far, of all it
   * added. Null while the file is being read, and for an export.
   */
  indexing: { done: number; total: number } | null;
}

/** One SSE event as it was received, for the stream inspector. */
export interface RawStreamEntry {
  /** Milliseconds since the request was sent. */
  at: number;
  type: 'event' | 'comment' | 'error-body';
  event: string;
  id: string;
  data: string;
}

/**
 * A payload left out of a logged request body (an image's base64): the body
 * holds a short placeholder naming it, so that the inspector and cURL never
 * print it whole; the attachment can be saved from the store by `id`.
 */
export interface ElidedPayload {
  /** The attachment's id (its SHA-256). */
  id: string;
  name: string;
  mimeType: string;
  /** Size of the decoded file. */
  bytes: number;
  /** The placeholder the body holds instead of the data URL. */
  placeholder: string;
}

export interface StreamLog {
  request: {
    providerName: string;
    url: string;
    model: string;
    parameters: GenerationParameters;
    messageCount: number;
    body: string;
    headers: Record<string, string>;
    /** How the key was sent (`none` when no key was); the headers above never hold it. */
    authStyle?: AuthStyle;
    /** Payloads the body holds as placeholders; absent in logs written before attachments existed. */
    elided?: ElidedPayload[];
  };
  response: { status: number | null; headers: Record<string, string> };
  metrics: StreamMetrics;
  entries: RawStreamEntry[];
  truncated: boolean;
  keyEnvVar: string;
}

/** A command the native menu or the quick-ask window asks the main window to run. */
export interface MenuCommand {
  command: string;
  conversationId?: string;
}
