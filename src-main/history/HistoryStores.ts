/** The stores of the history database, one per concern, on one connection. */
import { AttachmentStore } from './AttachmentStore';
import type { HistoryDatabase } from './database';
import { DraftStore } from './DraftStore';
import { HistoryRepository } from './HistoryRepository';
import { StreamLogStore } from './StreamLogStore';

/** Conversations and messages, raw stream logs, drafts, attachments: the only code that writes history. */
export interface HistoryStores {
  history: HistoryRepository;
  streamLogs: StreamLogStore;
  drafts: DraftStore;
  attachments: AttachmentStore;
}

/** Creates the stores on an open database; the caller owns the connection and closes it. */
export function createHistoryStores(db: HistoryDatabase, now: () => number, newId: () => string): HistoryStores {
  const attachments = new AttachmentStore(db, now);
  return {
    history: new HistoryRepository(db, now, newId),
    streamLogs: new StreamLogStore(db, now),
    drafts: new DraftStore(db, now, attachments),
    attachments,
  };
}
