/**
 * Saving a change from a Settings tab, and what the tab then says about it: the error in words when the
 * change was refused, or `savedText` (when given) once it is saved. Each save clears what the last one said.
 */
import { ref } from 'vue';
import type { Settings } from '../../../../src-preload/contract';
import { useErrorText } from '../../i18n/describeError';
import { useSettingsStore } from '../../stores/settings';

export function useSettingsUpdate(savedText?: () => string) {
  const settingsStore = useSettingsStore();
  const errorText = useErrorText();
  /** Why the last change was not saved. */
  const error = ref<string | null>(null);
  /** That the last change was saved (only with `savedText`). */
  const notice = ref<string | null>(null);

  async function save(patch: Partial<Settings>): Promise<void> {
    error.value = null;
    notice.value = null;
    try {
      await settingsStore.update(patch);
      notice.value = savedText?.() ?? null;
    } catch (caught) {
      error.value = errorText(caught);
    }
  }

  return { error, notice, save };
}
