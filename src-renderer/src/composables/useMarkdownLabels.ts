/** The words the markdown renderer puts into replies (Copy, unlabelled code, images not loaded), in the UI language. */
import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { MarkdownLabels } from '../markdown';

export function useMarkdownLabels(): ComputedRef<MarkdownLabels> {
  const { t } = useI18n();
  return computed(() => ({
    copy: t('message.copy'),
    plainText: t('message.plainText'),
    imageNotLoaded: t('message.imageNotLoaded'),
  }));
}
