/**
 * THE contract: every invoke channel with its input schema and answer type,
 * and every event main pushes. Main's handler map, the preload bridge and
 * the renderer's `window.nagare` type are all derived from these two maps.
 */
import type { z } from 'zod';
import * as s from './schemas';
import type * as t from './types';
import type { PackedStreamLog } from './packedStreamLog';
import * as tools from './tools';

interface Operation<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the answer type; never set at run time. */
  output?: O;
}

/** Declares an operation answering `O` whose input is parsed by `input`. */
const answers =
  <O>() =>
  <I extends z.ZodType>(input: I): Operation<I, O> => ({ input });

export const invokeChannels = {
  'app.info': answers<t.AppInfo>()(s.noInput),
  'app.openExternal': answers<void>()(s.openExternalInput),

  'chat.start': answers<t.ChatStarted>()(s.chatStartInput),
  'chat.cancel': answers<void>()(s.streamIdInput),
  /** Run, deny or always allow a tool call a reply is waiting on. */
  'tools.decide': answers<void>()(tools.toolDecideInput),
  'mcp.list': answers<tools.McpServerView[]>()(s.noInput),
  'mcp.save': answers<tools.McpServerView>()(tools.mcpServerSaveInput),
  'mcp.remove': answers<void>()(tools.mcpServerIdInput),
  'mcp.restart': answers<void>()(tools.mcpServerIdInput),
  'mcp.setEnabled': answers<void>()(tools.mcpSetEnabledInput),

  /** Stores a pasted, dropped or picked file (validated and sniffed in main); answers what it is. */
  'attachments.add': answers<t.AttachmentView>()(s.attachmentAddInput),
  /** The stored bytes of an attachment, to show it. */
  'attachments.read': answers<Uint8Array>()(s.attachmentIdInput),
  /** Opens a stored attachment with the OS's program for its type (main writes a copy with a safe extension). */
  'attachments.open': answers<void>()(s.attachmentRef),
  /** Saves a stored attachment to a file the user picks; `savedTo` is null when cancelled. */
  'attachments.save': answers<{ savedTo: string | null }>()(s.attachmentRef),

  'quickAsk.send': answers<t.ChatStarted>()(s.quickAskInput),
  'quickAsk.hide': answers<void>()(s.noInput),
  'quickAsk.openInMain': answers<void>()(s.conversationIdInput),

  'providers.list': answers<t.ProviderView[]>()(s.noInput),
  'providers.presets': answers<t.ProviderPresetView[]>()(s.noInput),
  'providers.save': answers<t.ProviderView>()(s.providerSaveInput),
  'providers.remove': answers<void>()(s.providerIdInput),
  'providers.models': answers<string[]>()(s.providerIdInput),

  'secrets.status': answers<t.SecretsOverview>()(s.noInput),
  'secrets.set': answers<t.SecretStatus>()(s.secretSetInput),
  'secrets.clear': answers<void>()(s.providerIdInput),
  'secrets.verify': answers<{ models: number }>()(s.providerIdInput),

  'history.list': answers<t.Page<t.ConversationSummary>>()(s.historyListInput),
  'history.open': answers<t.OpenedConversation>()(s.historyOpenInput),
  'history.rename': answers<void>()(s.historyRenameInput),
  'history.pin': answers<void>()(s.historyPinInput),
  'history.configure': answers<t.Conversation>()(s.historyConfigureInput),
  'history.delete': answers<t.DeleteReceipt>()(s.conversationIdInput),
  /** Restores a deleted conversation or deleted messages by the token their delete answered. */
  'history.undoDelete': answers<void>()(s.historyUndoInput),
  'history.deleteMessage': answers<t.DeleteReceipt>()(s.messageDeleteInput),
  'history.selectVersion': answers<t.OpenedConversation>()(s.messageIdInput),
  'history.search': answers<t.SearchHit[]>()(s.historySearchInput),
  'history.export': answers<{ savedTo: string | null }>()(s.historyExportInput),
  'history.import': answers<t.ImportReport | null>()(s.noInput),
  'history.backup': answers<{ savedTo: string | null }>()(s.noInput),
  /** Stops the running import (nothing is imported) or export (no file is written). */
  'transfer.cancel': answers<void>()(s.noInput),

  /** The saved draft of a place: its text and its files. */
  'drafts.get': answers<t.Draft>()(s.draftGetInput),
  'drafts.set': answers<void>()(s.draftSetInput),

  'settings.get': answers<t.Settings>()(s.noInput),
  'settings.update': answers<t.Settings>()(s.settingsUpdateInput),

  'inspector.log': answers<PackedStreamLog | null>()(s.messageIdInput),
  'inspector.saveStream': answers<{ savedTo: string | null }>()(s.inspectorSaveInput),
  'inspector.openStream': answers<PackedStreamLog | null>()(s.noInput),
  'inspector.storage': answers<{ bytes: number; messages: number }>()(s.noInput),
  'inspector.prune': answers<void>()(s.noInput),
} as const;

/** Events main pushes to windows. Each becomes `nagare.<domain>.on<Name>(listener)`. */
export interface EventPayloads {
  'chat.event': t.ChatEvent;
  'history.changed': t.HistoryChange;
  /**
   * The history database was found damaged after start-up (by the health check that runs once the
   * window shows): it was moved aside and a fresh one took its place. Everything a window holds from
   * the old one is gone; replies that were streaming were stopped. Sent to every window.
   */
  'history.replaced': t.StorageReport;
  'network.changed': { online: boolean };
  'menu.command': t.MenuCommand;
  /** How far the running import or export is; sent to the window that started it. */
  'transfer.progress': t.TransferProgress;
  /** A server was added, changed, started, failed or stopped: every server as it now is. */
  'mcp.changed': tools.McpServerView[];
}

export const eventChannels = [
  'chat.event',
  'history.changed',
  'history.replaced',
  'network.changed',
  'menu.command',
  'transfer.progress',
  'mcp.changed',
] as const satisfies ReadonlyArray<keyof EventPayloads>;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = (typeof eventChannels)[number];
export type InputOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['input']>;
export type ParsedInputOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['input']>;
export type OutputOf<C extends InvokeChannel> = Exclude<(typeof invokeChannels)[C]['output'], undefined>;
