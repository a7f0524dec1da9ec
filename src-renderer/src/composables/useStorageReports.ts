/**
 * Tells the user what went wrong with the history's storage: what start-up found
 * (from `app.info`), and a damaged history that main found and replaced after
 * the window showed (`history.replaced`). After a replacement nothing from the
 * old database stays on screen: the open conversation, the sidebar and an open
 * inspector all came from it.
 */
import { onScopeDispose } from 'vue';
import { useI18n } from 'vue-i18n';
import type { StorageReport } from '../../../src-preload/contract';
import { storageProblemText } from '../i18n/describeError';
import { bridge } from '../ipc/nagare';
import { useChatStore } from '../stores/chat';
import { useConversationsStore } from '../stores/conversations';
import { useSettingsStore } from '../stores/settings';
import { useUiStore } from '../stores/ui';

export function useStorageReports(): { tell: (report: StorageReport) => void } {
  const { t } = useI18n();
  const ui = useUiStore();
  const settings = useSettingsStore();
  const chat = useChatStore();
  const conversations = useConversationsStore();

  /** Toasts what `report` says; long-lived, since each names a file the user may want to keep. */
  function tell(report: StorageReport): void {
    if (report.recoveredDatabasePath) {
      ui.toast(t('toast.recovered', { path: report.recoveredDatabasePath }), { tone: 'error', timeoutMs: 30_000 });
    }
    if (report.damagedWalPath) {
      ui.toast(t('toast.damagedWal', { path: report.damagedWalPath }), { tone: 'error', timeoutMs: 60_000 });
    }
    if (report.storageProblem) {
      ui.toast(storageProblemText(report.storageProblem, t), { tone: 'error', timeoutMs: 60_000 });
    }
  }

  const stop = bridge().history.onReplaced(async (report) => {
    if (settings.info) settings.info = { ...settings.info, ...report };
    if (ui.overlay === 'inspector') ui.closeOverlay();
    tell({ ...report, damagedWalPath: null });
    await Promise.all([chat.newChat(), conversations.refresh()]);
  });
  onScopeDispose(stop);

  return { tell };
}
