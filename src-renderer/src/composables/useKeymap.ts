/**
 * The window's keyboard handling, driven by the one shared keymap.
 * Esc closes the top overlay first and only then stops a streaming reply.
 */
import { onScopeDispose } from 'vue';
import { keymapPlatform, matchKeyEvent, type CommandId } from '../../../src-preload/shared/keymap';
import { useSettingsStore } from '../stores/settings';
import { useUiStore } from '../stores/ui';

export function useKeymap(run: (id: CommandId) => boolean) {
  const settings = useSettingsStore();
  const ui = useUiStore();

  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented) return;
    const command = matchKeyEvent(event, keymapPlatform(settings.platform), 'global');
    if (!command) return;
    if (command === 'chat.stop') {
      if (ui.closeOverlay()) return event.preventDefault();
      if (ui.editingMessageId) {
        ui.editingMessageId = null;
        ui.focusComposer();
        return event.preventDefault();
      }
      if (ui.renaming) {
        ui.renaming = false;
        return event.preventDefault();
      }
    }
    // While a dialog is open only the keys that close or switch it apply.
    if (
      ui.overlay !== null &&
      command !== 'palette.open' &&
      command !== 'settings.open' &&
      command !== 'shortcuts.open'
    )
      return;
    if (run(command)) event.preventDefault();
  }

  window.addEventListener('keydown', onKeydown);
  onScopeDispose(() => window.removeEventListener('keydown', onKeydown));
}
