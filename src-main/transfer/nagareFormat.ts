/**
 * Nagare's own JSON export: versioned, every branch of every conversation,
 * never stream logs (they hold request headers), drafts or settings. The
 * writer is in `exporter.ts`; this module holds the format and reads one
 * conversation of it at a time.
 */
import { z } from 'zod';
import type { ErrorReason } from '../../src-preload/contract/errors';
import type { Conversation, MessageView } from '../../src-preload/contract/types';
import type { ToolStep } from '../../src-preload/contract/tools';
import type { ExportedAttachment } from './exportAttachments';
import {
  hasCycle,
  parentsFirst,
  skip,
  type EntryOutcome,
  type ImportedFile,
  type ImportedFileSource,
} from './importModel';

/** The version of the Nagare JSON format this build writes and reads. */
export const NAGARE_EXPORT_VERSION = 1;

/**
 * One message in a Nagare export: every branch, linked by `parentId`; the view without what the
 * database derives. A message deleted on its own is written with no text and `deleted: true`, so
 * the replies below it keep their parent; messages deleted with their replies are left out.
 */
export type ExportedMessage = Omit<
  MessageView,
  'conversationId' | 'versionIndex' | 'versionCount' | 'versionIds' | 'hasStreamLog' | 'deleted' | 'attachments'
> & {
  deleted?: true;
  /** The user's files; absent when there are none (and in exports made before attachments existed). */
  attachments?: ExportedAttachment[];
};

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

const messageSchema = z.object({
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
  /** Deleted on its own, its replies kept: it comes back as the same marker, with no text. */
  deleted: z.boolean().optional(),
  attachments: z
    .array(
      z.object({
        name: z.string().min(1).max(255),
        data: z.string().optional(),
        file: z.string().max(1000).optional(),
        text: z.string().nullable().default(null),
        pages: z.number().int().nonnegative().nullable().default(null),
      }),
    )
    .max(100)
    .optional(),
  /** Checked as an array only: a step is replayed to the model as text, never run. */
  toolSteps: z.array(z.record(z.string(), z.unknown())).default([]),
});

const conversationSchema = z.object({
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
  messages: z.array(messageSchema),
});

/** Why the top-level fields of a Nagare file refuse it whole, or null when they are fine. */
export function nagareHeaderProblem(
  fields: ReadonlyMap<string, unknown>,
  sawConversations: boolean,
): { message: string; reason: ErrorReason } | null {
  if (fields.get('format') !== 'nagare' || !sawConversations) {
    return {
      message: 'The file is neither a Nagare export nor a ChatGPT conversations.json. Nothing was imported.',
      reason: 'not_an_export',
    };
  }
  const version = fields.get('version');
  if (typeof version === 'number' && version > NAGARE_EXPORT_VERSION) {
    return {
      message: 'The file was made by a newer version of Nagare. Update Nagare to import it. Nothing was imported.',
      reason: 'newer_version',
    };
  }
  if (version !== NAGARE_EXPORT_VERSION) {
    return {
      message: 'The Nagare export is damaged: its version is missing. Nothing was imported.',
      reason: 'damaged_export',
    };
  }
  return null;
}

/**
 * Reads one conversation of a Nagare export. Damaged fields, a message
 * answering one that is not in the file, repeated message ids, or loops skip
 * this conversation and name it; the rest of the file is imported.
 */
export function readNagareEntry(entry: unknown, index: number): EntryOutcome {
  const parsed = conversationSchema.safeParse(entry);
  const raw = (typeof entry === 'object' && entry !== null ? entry : {}) as { title?: unknown; id?: unknown };
  if (!parsed.success) return skip('damaged', raw, index);
  const c = parsed.data;
  const ids = new Set(c.messages.map((m) => m.id));
  if (ids.size !== c.messages.length) return skip('damaged', c, index);
  if (c.messages.some((m) => m.parentId !== null && !ids.has(m.parentId))) return skip('damaged', c, index);
  if (hasCycle(new Map(c.messages.map((m) => [m.id, m.parentId])))) return skip('cycle', c, index);
  return {
    ok: true,
    conversation: {
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
      // Server ids belong to the machine that exported; here the user chooses again.
      toolServerIds: [],
      activeLeafSourceId: c.activeLeafId !== null && ids.has(c.activeLeafId) ? c.activeLeafId : null,
      messages: parentsFirst(
        c.messages.map((m) => ({
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
          ...(m.attachments?.length
            ? {
                files: m.attachments.flatMap((file): ImportedFile[] => {
                  const source: ImportedFileSource | null =
                    file.data !== undefined
                      ? { kind: 'data', base64: file.data }
                      : file.file !== undefined
                        ? { kind: 'file', path: file.file }
                        : null;
                  return source ? [{ name: file.name, source, text: file.text, pages: file.pages }] : [];
                }),
              }
            : {}),
          toolSteps: m.toolSteps as unknown as ToolStep[],
          ...(m.deleted ? { deleted: true, content: '', reasoning: '' } : {}),
        })),
      ),
    },
  };
}
