/** One way to report a failed action: an error toast, said in the UI language like every other error. */
import { useErrorText } from '../i18n/describeError';
import { useUiStore } from '../stores/ui';

/** Shows any thrown value as an error toast: title, body and the server's words, never main's English. */
export function useErrorToast(): (error: unknown) => void {
  const ui = useUiStore();
  const errorText = useErrorText();
  return (error) => ui.toast(errorText(error), { tone: 'error' });
}
