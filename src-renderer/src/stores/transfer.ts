/**
 * Imports and exports as the window sees them: which one is running and how
 * far it is (main pushes `transfer.progress`), the last import's report, the
 * last export's file, and the last failure. Kept in a store rather than the
 * Data tab, so closing Settings mid-import loses nothing.
 */
import { defineStore } from 'pinia';
import { onScopeDispose, ref } from 'vue';
import type { ExportFormat, ImportReport, NagareErrorShape, TransferProgress } from '../../../src-preload/contract';
import { bridge, unwrap } from '../ipc/nagare';
import { failureKept } from './failureKept';

/** The operation running: an import, or an export in one format. */
export type TransferTask = 'import' | `export-${ExportFormat}`;

export const useTransferStore = defineStore('transfer', () => {
  const running = ref<TransferTask | null>(null);
  const progress = ref<TransferProgress | null>(null);
  const cancelling = ref(false);
  const report = ref<ImportReport | null>(null);
  const savedTo = ref<string | null>(null);
  /** True when the last export was stopped with Cancel (not when its dialog was dismissed). */
  const exportCancelled = ref(false);
  const error = ref<NagareErrorShape | null>(null);

  const stop = bridge().transfer.onProgress((next) => {
    if (running.value) progress.value = next;
  });
  onScopeDispose(stop);

  async function run<T>(task: TransferTask, work: () => Promise<T>): Promise<T | null> {
    if (running.value) return null;
    running.value = task;
    progress.value = null;
    cancelling.value = false;
    report.value = null;
    savedTo.value = null;
    exportCancelled.value = false;
    try {
      return await failureKept(error, work);
    } finally {
      running.value = null;
      progress.value = null;
      cancelling.value = false;
    }
  }

  /** Asks main for a file and imports it; the report (or the error) stays until the next transfer. */
  async function importFile(): Promise<void> {
    await run('import', async () => {
      report.value = await unwrap(bridge().history.import());
    });
  }

  /**
   * Exports every conversation in `format` to a file the user picks. JSON holds
   * attachments as base64 or, with `folder`, beside it; Markdown always links a folder.
   */
  async function exportAll(format: ExportFormat, attachments: 'embed' | 'folder' = 'embed'): Promise<void> {
    await run(`export-${format}`, async () => {
      savedTo.value = (
        await unwrap(
          bridge().history.export({ conversationId: null, format, ...(format === 'json' ? { attachments } : {}) }),
        )
      ).savedTo;
      exportCancelled.value = savedTo.value === null && cancelling.value;
    });
  }

  /** Stops the running transfer: an import then adds nothing, an export writes no file. */
  async function cancel(): Promise<void> {
    if (!running.value) return;
    cancelling.value = true;
    await unwrap(bridge().transfer.cancel());
  }

  return { running, progress, cancelling, report, savedTo, exportCancelled, error, importFile, exportAll, cancel };
});
