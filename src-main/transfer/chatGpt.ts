/**
 * ChatGPT's `conversations.json`, read as people really have it: one entry of
 * the export at a time, strict about what makes an entry a conversation and
 * liberal inside it (optional fields missing or null anywhere, unknown fields
 * ignored). The rules are those of issue 14; each function names the one it
 * applies.
 */
import type { MessageStatus } from '../../src-preload/contract/types';
import { titleFromMessage } from '../history/HistoryRepository';
import {
  hasCycle,
  parentsFirst,
  skip,
  type EntryOutcome,
  type ImportedFile,
  type ImportedMessage,
} from './importModel';
import { asNumber, asRecord, asText } from './jsonValues';

/** A node of the mapping as it matters here. */
type NodeMeaning =
  | {
      kind: 'message';
      role: 'user' | 'assistant';
      content: string;
      files?: ImportedFile[];
      contentWithFiles?: string;
      status: MessageStatus;
      model: string | null;
      time: number | null;
    }
  /** Assistant text that is thinking, not the reply: kept as the next reply's reasoning. */
  | { kind: 'reasoning'; text: string }
  /** Anything else: the root, system and tool nodes, hidden and empty messages. */
  | { kind: 'other' };

const seconds = (value: unknown): number | null => {
  const time = asNumber(value);
  return time === null ? null : Math.round(time * 1000);
};

/** True when an entry has something only a ChatGPT conversation has; a file with none is not an export. */
export function looksLikeChatGptConversation(entry: unknown): boolean {
  const record = asRecord(entry);
  return record !== null && ('mapping' in record || 'current_node' in record || 'conversation_id' in record);
}

function partsOf(content: Record<string, unknown>): unknown[] {
  return Array.isArray(content['parts']) ? content['parts'] : [];
}

/** The string parts joined with a line break, kept exactly. */
function textOf(content: Record<string, unknown>): string {
  return partsOf(content)
    .filter((part): part is string => typeof part === 'string')
    .join('\n');
}

/** `file-service://file-abc` and `sediment://file_abc` both name the file `file-abc` / `file_abc`. */
function assetId(pointer: unknown): string | null {
  const text = asText(pointer);
  return text ? (text.split('://').pop() ?? null) : null;
}

/** A file name from the export, made safe: never a path, never a control character. */
function safeName(name: string): string {
  return name.replace(/[\\/\p{Cc}]/gu, '_').slice(0, 255);
}

/**
 * Placeholders for what cannot be shown yet: `[image: name]` for each image
 * part, `[file: name]` for each other attachment, named when the export says how;
 * and the files to look for in the zip (each image part, and each other
 * attachment with an id, such as an uploaded PDF), which replace them when found.
 */
function attachmentPlaceholders(
  content: Record<string, unknown>,
  metadata: Record<string, unknown>,
): { placeholders: string[]; otherPlaceholders: string[]; files: ImportedFile[] } {
  const attachments = (Array.isArray(metadata['attachments']) ? metadata['attachments'] : [])
    .map(asRecord)
    .filter((item): item is Record<string, unknown> => item !== null);
  const nameOf = (id: string | null) => {
    const found = attachments.find((item) => id !== null && item['id'] === id);
    return asText(found?.['name']);
  };
  const shown = new Set<string>();
  const placeholders: string[] = [];
  const otherPlaceholders: string[] = [];
  const files: ImportedFile[] = [];
  for (const part of partsOf(content)) {
    const record = asRecord(part);
    if (!record || record['content_type'] !== 'image_asset_pointer') continue;
    const id = assetId(record['asset_pointer']);
    if (id) shown.add(id);
    const name = nameOf(id);
    placeholders.push(name ? `[image: ${name}]` : '[image]');
    // A safe name: the export's, or the asset id (never a path).
    if (id) files.push({ name: safeName(name ?? id), source: { kind: 'asset', id } });
  }
  for (const attachment of attachments) {
    const id = asText(attachment['id']);
    if (id && shown.has(id)) continue;
    const name = asText(attachment['name']);
    const isImage = (asText(attachment['mime_type']) ?? asText(attachment['mimeType']) ?? '').startsWith('image/');
    const label = isImage ? 'image' : 'file';
    placeholders.push(name ? `[${label}: ${name}]` : `[${label}]`);
    if (id) files.push({ name: safeName(name ?? id), source: { kind: 'asset', id } });
    else otherPlaceholders.push(name ? `[${label}: ${name}]` : `[${label}]`);
  }
  return { placeholders, otherPlaceholders, files };
}

/** `thoughts` content: each thought's summary and text. */
function thoughtsText(content: Record<string, unknown>): string {
  const thoughts = Array.isArray(content['thoughts']) ? content['thoughts'] : [];
  return thoughts
    .map(asRecord)
    .map((thought) => [asText(thought?.['summary']), asText(thought?.['content'])].filter(Boolean).join('\n'))
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The status a reply had: stopped by the user (`cancelled`), never finished
 * (`interrupted`), or complete.
 */
function statusOf(message: Record<string, unknown>, metadata: Record<string, unknown>): MessageStatus {
  if (asRecord(metadata['finish_details'])?.['type'] === 'interrupted') return 'cancelled';
  const status = message['status'];
  if (status === 'in_progress' || status === 'finished_partial_completion') return 'interrupted';
  return 'complete';
}

/**
 * What one node is. A chat message only if: it has a message; the role is
 * user or assistant; it is not visually hidden; the recipient is absent, null
 * or "all"; the channel is absent, null or "final"; the content is text or
 * multimodal_text; and it has text or at least one attachment.
 */
function meaningOf(node: Record<string, unknown> | null): NodeMeaning {
  const message = asRecord(node?.['message']);
  if (!message) return { kind: 'other' };
  const role = asRecord(message['author'])?.['role'];
  const metadata = asRecord(message['metadata']) ?? {};
  const content = asRecord(message['content']) ?? {};
  const type = content['content_type'];
  const recipient = message['recipient'];
  const channel = message['channel'];
  if (metadata['is_visually_hidden_from_conversation'] === true) return { kind: 'other' };
  if (recipient !== undefined && recipient !== null && recipient !== 'all') return { kind: 'other' };

  if (role === 'assistant' && (channel === 'analysis' || channel === 'commentary')) {
    const text = type === 'text' || type === 'multimodal_text' ? textOf(content) : '';
    return text.trim() ? { kind: 'reasoning', text } : { kind: 'other' };
  }
  if (role === 'assistant' && type === 'thoughts') {
    const text = thoughtsText(content);
    return text.trim() ? { kind: 'reasoning', text } : { kind: 'other' };
  }
  // `reasoning_recap` only says how long the model thought ("Thought for 8s"), which the reasoning shows anyway.
  if (channel !== undefined && channel !== null && channel !== 'final') return { kind: 'other' };
  if (role !== 'user' && role !== 'assistant') return { kind: 'other' };
  if (type !== 'text' && type !== 'multimodal_text') return { kind: 'other' };

  const text = textOf(content);
  const { placeholders, otherPlaceholders, files } = attachmentPlaceholders(content, metadata);
  const hasText = text.trim() !== '';
  if (!hasText && placeholders.length === 0) return { kind: 'other' };
  const withPlaceholders = (shown: string[]) =>
    shown.length === 0 ? text : [shown.join(' '), ...(hasText ? [text] : [])].join('\n\n');
  return {
    kind: 'message',
    role,
    content: withPlaceholders(placeholders),
    // When the zip holds the files, they are attached and their placeholders go.
    ...(files.length > 0 ? { files, contentWithFiles: withPlaceholders(otherPlaceholders) } : {}),
    status: role === 'assistant' ? statusOf(message, metadata) : 'complete',
    model: role === 'assistant' ? asText(metadata['model_slug']) : null,
    time: seconds(message['create_time']),
  };
}

/**
 * Reads one entry of the export. Skipped and named: not an object, no
 * `mapping`, no id, parent links that loop anywhere, or no message to show.
 * The current branch is `current_node` when it is a node of the mapping,
 * otherwise the newest leaf; every other branch is kept as versions.
 */
export function readChatGptEntry(entry: unknown, index: number, now: number): EntryOutcome {
  const record = asRecord(entry);
  if (!record) return skip('not_a_conversation', {}, index);
  const sourceId = asText(record['conversation_id']) ?? asText(record['id']);
  const name = { title: record['title'], id: sourceId };
  const mapping = asRecord(record['mapping']);
  if (!mapping) return skip(record['mapping'] == null ? 'no_mapping' : 'damaged', name, index);
  if (!sourceId) return skip('no_id', name, index);

  const nodes = new Map<string, Record<string, unknown> | null>();
  for (const [id, node] of Object.entries(mapping)) nodes.set(id, asRecord(node));
  // A parent that is not in the mapping makes its child a root.
  const parents = new Map<string, string | null>();
  for (const [id, node] of nodes) {
    const parent = asText(node?.['parent']);
    parents.set(id, parent !== null && nodes.has(parent) ? parent : null);
  }
  if (hasCycle(parents)) return skip('cycle', name, index);

  const meanings = new Map<string, NodeMeaning>();
  for (const [id, node] of nodes) meanings.set(id, meaningOf(node));
  const isKept = (id: string) => meanings.get(id)?.kind === 'message';
  /** Walks up to the nearest kept message, gathering the reasoning passed on the way (root first). */
  const climb = (from: string | null): { ancestor: string | null; reasoning: string[] } => {
    const reasoning: string[] = [];
    let id = from;
    while (id !== null && !isKept(id)) {
      const meaning = meanings.get(id);
      if (meaning?.kind === 'reasoning') reasoning.unshift(meaning.text);
      id = parents.get(id) ?? null;
    }
    return { ancestor: id, reasoning };
  };

  const conversationTime = seconds(record['create_time']);
  const messages: ImportedMessage[] = [];
  for (const [id, meaning] of meanings) {
    if (meaning.kind !== 'message') continue;
    const { ancestor, reasoning } = climb(parents.get(id) ?? null);
    messages.push({
      key: `chatgpt:${sourceId}:${id}`,
      sourceId: id,
      parentSourceId: ancestor,
      role: meaning.role,
      content: meaning.content,
      reasoning: meaning.role === 'assistant' ? reasoning.join('\n\n') : '',
      status: meaning.status,
      error: null,
      model: meaning.model,
      usage: null,
      timeToFirstTokenMs: null,
      durationMs: null,
      toolSteps: [],
      // Filled below from the parent when the export has no time.
      createdAt: meaning.time ?? Number.NaN,
      ...(meaning.files ? { files: meaning.files, contentWithFiles: meaning.contentWithFiles } : {}),
    });
  }
  if (messages.length === 0) return skip('no_messages', name, index);

  const ordered = parentsFirst(messages);
  const byId = new Map(ordered.map((message) => [message.sourceId, message]));
  const earliest = Math.min(...ordered.map((message) => message.createdAt).filter(Number.isFinite));
  const createdAt = conversationTime ?? (Number.isFinite(earliest) ? earliest : now);
  for (const message of ordered) {
    if (Number.isFinite(message.createdAt)) continue;
    const parent = message.parentSourceId !== null ? byId.get(message.parentSourceId) : undefined;
    message.createdAt = parent?.createdAt ?? createdAt;
  }
  // Versions are numbered by time; a stable sort keeps the file's order among equal times.
  ordered.sort((a, b) => a.createdAt - b.createdAt);
  const sorted = parentsFirst(ordered);

  const currentNode = asText(record['current_node']);
  const fromCurrent = currentNode !== null && nodes.has(currentNode) ? climb(currentNode).ancestor : null;
  const activeLeaf = fromCurrent ?? newestLeaf(sorted);
  const branch = branchTo(activeLeaf, byId);
  const title =
    asText(record['title'])?.trim() || titleFromMessage(branch.find((m) => m.role === 'user')?.content ?? '');
  const newest = Math.max(...sorted.map((message) => message.createdAt));

  return {
    ok: true,
    conversation: {
      key: `chatgpt:${sourceId}`,
      localId: null,
      title,
      pinned: false,
      createdAt,
      updatedAt: seconds(record['update_time']) ?? Math.max(newest, createdAt),
      providerId: null,
      model: branch.findLast((m) => m.model !== null)?.model ?? asText(record['default_model_slug']),
      systemPrompt: '',
      parameters: {},
      toolServerIds: [],
      activeLeafSourceId: activeLeaf,
      messages: sorted,
    },
  };
}

/** The leaf with the latest time; among equal times, the last in order. */
function newestLeaf(messages: ImportedMessage[]): string | null {
  const parents = new Set(messages.map((message) => message.parentSourceId));
  let newest: ImportedMessage | null = null;
  for (const message of messages) {
    if (parents.has(message.sourceId)) continue;
    if (!newest || message.createdAt >= newest.createdAt) newest = message;
  }
  return newest?.sourceId ?? null;
}

function branchTo(leaf: string | null, byId: Map<string, ImportedMessage>): ImportedMessage[] {
  const branch: ImportedMessage[] = [];
  for (let message = leaf !== null ? byId.get(leaf) : undefined; message;) {
    branch.unshift(message);
    message = message.parentSourceId !== null ? byId.get(message.parentSourceId) : undefined;
  }
  return branch;
}
