/**
 * What an import file becomes before it is written: conversations in one
 * normalized shape whatever format they came from, or the reason one was
 * skipped. Both readers (ChatGPT's and Nagare's) produce these; the staged
 * writer consumes them. Also the progress throttle imports and exports share.
 */
import type {
  Conversation,
  ImportSkipReason,
  TransferProgress,
  MessageRole,
  MessageStatus,
  SkippedConversation,
} from '../../src-preload/contract/types';
import type { ToolStep } from '../../src-preload/contract/tools';

/** One message, linked to its parent by the id it had in the file. */
export interface ImportedMessage {
  /** Unique across every import: how a second import of the same file recognises it. */
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
  /** The rounds of tool calls of a reply, as exported; see `ToolStep`. */
  toolSteps: ToolStep[];
  /** Deleted on its own in Nagare, its replies kept below it: stored as the same marker. */
  deleted?: boolean;
  /** Files the entry names; the importer fetches their bytes (`resolved`) before staging. */
  files?: ImportedFile[];
  /** The content to keep when every file was found (without the placeholders that stood for them). */
  contentWithFiles?: string;
  /** The files found, in order, set by the importer. */
  resolved?: ResolvedFile[];
}

/** Where an imported file's bytes are: in the entry (base64), in a file beside the export, or in the ChatGPT zip. */
export type ImportedFileSource =
  { kind: 'data'; base64: string } | { kind: 'file'; path: string } | { kind: 'asset'; id: string };

/** A file an entry names. */
export interface ImportedFile {
  name: string;
  source: ImportedFileSource;
  /** A PDF's text and pages as the export carried them. */
  text?: string | null;
  pages?: number | null;
}

/** A file whose bytes were found. */
export interface ResolvedFile {
  name: string;
  bytes: Uint8Array;
  text: string | null;
  pages: number | null;
}

/** One conversation, its messages parents first: the stored fields of a conversation, without its local id. */
export interface ImportedConversation extends Omit<Conversation, 'id'> {
  /** Unique across every import: how a second import of the same file recognises it. */
  key: string;
  /**
   * The id it had in the database it was exported from (Nagare JSON only):
   * importing it back adds nothing, and elsewhere it keeps this id and its messages theirs.
   */
  localId: string | null;
  activeLeafSourceId: string | null;
  messages: ImportedMessage[];
}

/** What reading one entry of a file gave: a conversation to import, or why it was left out. */
export type EntryOutcome =
  { ok: true; conversation: ImportedConversation } | { ok: false; skipped: SkippedConversation };

/** A skipped entry, named by what a person would recognise: its title, else its id, else its place in the file. */
export function skip(
  reason: ImportSkipReason,
  entry: { title?: unknown; id?: unknown },
  index: number,
): { ok: false; skipped: SkippedConversation } {
  const title = typeof entry.title === 'string' ? entry.title.trim() : '';
  const id = typeof entry.id === 'string' ? entry.id : '';
  const name = title || id || `#${index + 1}`;
  return { ok: false, skipped: { name: name.slice(0, 200), reason } };
}

/**
 * True when following parent links from some node comes back to a node
 * already on that path. Every node is checked, not only those of the current
 * branch, since a loop anywhere would make the stored tree endless.
 */
export function hasCycle(parents: ReadonlyMap<string, string | null>): boolean {
  const settled = new Set<string>();
  for (const start of parents.keys()) {
    const path = new Set<string>();
    for (let id: string | null | undefined = start; id != null && !settled.has(id); id = parents.get(id)) {
      if (path.has(id)) return true;
      path.add(id);
    }
    for (const id of path) settled.add(id);
  }
  return false;
}

/** Orders messages so that every parent comes before its children, keeping the given order among siblings. */
export function parentsFirst<M extends { sourceId: string; parentSourceId: string | null }>(messages: M[]): M[] {
  const children = new Map<string | null, M[]>();
  const known = new Set(messages.map((message) => message.sourceId));
  for (const message of messages) {
    const parent = message.parentSourceId !== null && known.has(message.parentSourceId) ? message.parentSourceId : null;
    const list = children.get(parent);
    if (list) list.push(message);
    else children.set(parent, [message]);
  }
  const ordered: M[] = [];
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length > 0) {
    const message = stack.pop()!;
    ordered.push(message);
    const below = children.get(message.sourceId);
    if (below) for (let index = below.length - 1; index >= 0; index--) stack.push(below[index]!);
  }
  return ordered;
}

/**
 * Reports progress at most every `everyMs` (and always when forced, at the
 * end): a transfer reads thousands of conversations a second, a window needs
 * a few updates.
 */
export function throttledProgress(
  onProgress: ((progress: TransferProgress) => void) | undefined,
  current: () => TransferProgress,
  everyMs = 100,
): (force?: boolean) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (force = false) => {
    const now = performance.now();
    if (!onProgress || (!force && now - last < everyMs)) return;
    last = now;
    onProgress(current());
  };
}
