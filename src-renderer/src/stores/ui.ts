/** Which overlay is open, notices, and requests between components (focus the composer, edit a message). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useSettingsStore } from './settings';

export type Overlay = 'settings' | 'palette' | 'shortcuts' | 'inspector' | null;
export type SettingsTab = 'providers' | 'defaults' | 'appearance' | 'shortcuts' | 'tools' | 'data';

export interface Toast {
  id: number;
  message: string;
  action?: { label: string; run: () => void };
  tone: 'info' | 'error';
}

export const useUiStore = defineStore('ui', () => {
  const overlay = ref<Overlay>(null);
  const settingsTab = ref<SettingsTab>('providers');
  const paletteMode = ref<'commands' | 'search'>('commands');
  const inspectedMessageId = ref<string | null>(null);
  const editingMessageId = ref<string | null>(null);
  /** A message to scroll into view and highlight, such as a search hit. */
  const revealMessageId = ref<string | null>(null);
  const renaming = ref(false);
  /** The conversation `renaming` applies to, when it is not the open one (a sidebar row's Rename). */
  const renameTarget = ref<string | null>(null);
  /** The sidebar folded away for room; App keeps it in step with the saved setting. */
  const sidebarCollapsed = ref(false);

  /** Folds the sidebar away or back, and remembers it in the settings across restarts. */
  function toggleSidebar(): Promise<unknown> {
    sidebarCollapsed.value = !sidebarCollapsed.value;
    return useSettingsStore().update({ sidebarCollapsed: sidebarCollapsed.value });
  }
  /** The conversation settings panel (the open conversation's, or a new chat's), opened from its header button, by key, or to choose another model. */
  const conversationSettingsOpen = ref(false);
  const composerFocusRequests = ref(0);
  const sidebarSearchFocusRequests = ref(0);
  const toasts = ref<Toast[]>([]);
  let nextToastId = 1;

  function openSettings(tab: SettingsTab = settingsTab.value): void {
    settingsTab.value = tab;
    overlay.value = 'settings';
  }

  function openPalette(mode: 'commands' | 'search' = 'commands'): void {
    paletteMode.value = mode;
    overlay.value = 'palette';
  }

  function openInspector(messageId: string): void {
    inspectedMessageId.value = messageId;
    overlay.value = 'inspector';
  }

  /**
   * Closes the top overlay; answers false when none was open, so Esc can go on to stop a reply.
   * The dialog gives the focus back to what opened it (`useFocusTrap`), or to the composer.
   */
  function closeOverlay(): boolean {
    if (overlay.value === null) return false;
    overlay.value = null;
    return true;
  }

  function focusComposer(): void {
    composerFocusRequests.value++;
  }

  /**
   * Runs `open` (a conversation, a search hit), then gives the composer the focus, unless the user
   * put it somewhere else meanwhile: taken later, it would carry their next keys into the composer.
   */
  async function focusComposerAfter(open: () => Promise<unknown>): Promise<void> {
    const focusedBefore = document.activeElement;
    await open();
    if (document.activeElement === focusedBefore || document.activeElement === document.body) focusComposer();
  }

  function toast(
    message: string,
    options: { action?: Toast['action']; tone?: Toast['tone']; timeoutMs?: number } = {},
  ): number {
    const id = nextToastId++;
    toasts.value = [...toasts.value, { id, message, action: options.action, tone: options.tone ?? 'info' }];
    setTimeout(() => dismiss(id), options.timeoutMs ?? 6_000);
    return id;
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((item) => item.id !== id);
  }

  return {
    overlay,
    settingsTab,
    paletteMode,
    inspectedMessageId,
    editingMessageId,
    revealMessageId,
    renaming,
    renameTarget,
    conversationSettingsOpen,
    sidebarCollapsed,
    toggleSidebar,
    composerFocusRequests,
    sidebarSearchFocusRequests,
    toasts,
    openSettings,
    openPalette,
    openInspector,
    closeOverlay,
    focusComposer,
    focusComposerAfter,
    toast,
    dismiss,
  };
});
