/**
 * Run-time schemas of every renderer-to-main payload. Main parses each input
 * with these before a service sees it; the renderer only imports their types.
 */
import { z } from 'zod';
import { ATTACHMENT_LIMITS, LANGUAGE_PREFERENCES, THEME_PREFERENCES } from './types';

const id = z.string().min(1).max(100);
const text = (max: number) => z.string().max(max);

export const noInput = z.undefined();

/** An attachment's id: the SHA-256 of its bytes in lower-case hex, so it can never name a path. */
export const attachmentId = z.string().regex(/^[0-9a-f]{64}$/, 'must be an attachment id');
/** A file name as shown: no path separators or control characters. */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[\\/\p{Cc}]/u.test(name), 'must be a file name without folders');

export const attachmentRef = z.object({ id: attachmentId, name: fileName }).strict();

/**
 * A file the user pasted, dropped or picked, with its bytes (images already
 * downscaled). Main checks the size and sniffs the type; this only bounds what
 * one call may carry.
 */
export const attachmentAddInput = z
  .object({
    name: fileName,
    bytes: z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= 2 * ATTACHMENT_LIMITS.fileBytes, 'too large'),
  })
  .strict();
export const attachmentIdInput = z.object({ id: attachmentId }).strict();

/** Sampling parameters of a request; an absent one is left to the provider. */
export const generationParameters = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export const chatStartInput = z
  .object({
    /** Absent: a new conversation is created. */
    conversationId: id.optional(),
    /** What the user typed; empty only for `regenerate` and `continue`. */
    content: text(1_000_000),
    mode: z.enum(['send', 'regenerate', 'edit', 'continue']).default('send'),
    /** For `regenerate`, `edit` and `continue`: the message acted on. */
    targetMessageId: id.optional(),
    providerId: id.optional(),
    model: text(200).optional(),
    /** For a new conversation: its system prompt and parameters, chosen before the first message. */
    systemPrompt: text(100_000).optional(),
    parameters: generationParameters.optional(),
    /** For `send` and `edit`: files stored with `attachments.add`. An edit without it keeps the original's. */
    attachments: z.array(attachmentRef).max(ATTACHMENT_LIMITS.files).optional(),
    /** The MCP servers whose tools a new conversation offers; an existing one keeps its own. */
    toolServerIds: z.array(id).max(50).optional(),
  })
  .strict();

/** A `chat.start` request as main's services see it: parsed, `mode` filled in. */
export type ChatStartInput = z.output<typeof chatStartInput>;

export const streamIdInput = z.object({ streamId: id }).strict();
export const providerIdInput = z.object({ providerId: id }).strict();
export const conversationIdInput = z.object({ conversationId: id }).strict();
export const messageIdInput = z.object({ messageId: id }).strict();

const httpUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

export const providerSaveInput = z
  .object({
    /** Absent: a new provider from the preset. */
    id: id.optional(),
    presetId: id,
    name: text(100).min(1),
    baseUrl: httpUrl,
    defaultModel: text(200),
    models: z.array(text(200)).max(500).optional(),
    apiVersion: text(50).optional(),
    /** The user says this plain-http server is on their local network; see `baseUrl.ts`. */
    localNetwork: z.boolean().optional(),
  })
  .strict();

export const secretSetInput = z
  .object({
    providerId: id,
    key: z.string().min(1).max(4096),
    /** Keep the key in main memory until quit instead of the keychain. */
    sessionOnly: z.boolean().default(false),
  })
  .strict();

export const historyListInput = z
  .object({ cursor: text(200).nullable().optional(), limit: z.number().int().min(1).max(500).default(100) })
  .strict();

export const historyOpenInput = z
  .object({
    conversationId: id,
    before: text(200).nullable().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const historyRenameInput = z.object({ conversationId: id, title: text(500).min(1) }).strict();
export const historyPinInput = z.object({ conversationId: id, pinned: z.boolean() }).strict();
export const historyUndoInput = z.object({ undoToken: id }).strict();
/**
 * Deletes a message: `branch`, with everything below it; `message`, only it, the replies below it
 * kept under a "deleted" marker.
 */
export const messageDeleteInput = z.object({ messageId: id, scope: z.enum(['branch', 'message']) }).strict();
export const historySearchInput = z
  .object({ query: text(500), limit: z.number().int().min(1).max(200).default(50) })
  .strict();
export const historyConfigureInput = z
  .object({
    conversationId: id,
    providerId: id.nullable().optional(),
    model: text(200).nullable().optional(),
    systemPrompt: text(100_000).optional(),
    parameters: generationParameters.optional(),
    /** The MCP servers whose tools the conversation offers. */
    toolServerIds: z.array(id).max(50).optional(),
  })
  .strict();
export const historyExportInput = z
  .object({
    conversationId: id.nullable(),
    format: z.enum(['markdown', 'json']),
    /** JSON only: attachments inside the file as base64 (the default), or in a folder beside it. Markdown always links a folder. */
    attachments: z.enum(['embed', 'folder']).optional(),
  })
  .strict();

/** Saves what changed of a draft: its text, its files, or both; a field left out keeps what was saved. */
export const draftSetInput = z
  .object({
    key: id,
    text: text(1_000_000).optional(),
    attachments: z.array(attachmentRef).max(ATTACHMENT_LIMITS.files).optional(),
  })
  .strict()
  .refine((input) => input.text !== undefined || input.attachments !== undefined, 'text or attachments is required');
export const draftGetInput = z.object({ key: id }).strict();

const settingsFields = {
  theme: z.enum(THEME_PREFERENCES),
  language: z.enum(LANGUAGE_PREFERENCES),
  defaultProviderId: id.nullable(),
  defaultParameters: generationParameters,
  /** Accelerator for the quick-ask window; empty means off. */
  quickAskShortcut: text(100),
  /** Seconds without a byte from the server before a reply is given up. */
  idleTimeoutSeconds: z.number().int().min(5).max(3600),
  /** The main window's sidebar folded away, remembered across restarts. */
  sidebarCollapsed: z.boolean(),
};

/**
 * The preferences as main stores them and `settings.get` answers them: the
 * `Settings` type is inferred from it. Read leniently, field by field: one that
 * is missing or invalid (an older or hand-edited file) takes its default, so
 * `storedSettings.parse({})` is the defaults.
 */
export const storedSettings = z.object({
  theme: settingsFields.theme.catch('system'),
  language: settingsFields.language.catch('system'),
  defaultProviderId: settingsFields.defaultProviderId.catch(null),
  defaultParameters: settingsFields.defaultParameters.catch({}),
  quickAskShortcut: settingsFields.quickAskShortcut.catch(''),
  idleTimeoutSeconds: settingsFields.idleTimeoutSeconds.catch(60),
  sidebarCollapsed: settingsFields.sidebarCollapsed.catch(false),
});

/** A change to some preferences; every field is checked strictly, unlike the stored file. */
export const settingsUpdateInput = z.object(settingsFields).partial().strict();

export const openExternalInput = z.object({ url: text(8000) }).strict();

export const inspectorSaveInput = z.object({ messageId: id }).strict();

export const quickAskInput = z.object({ content: text(1_000_000).min(1) }).strict();
