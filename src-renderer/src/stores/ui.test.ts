// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useUiStore } from './ui';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.useRealTimers());

describe('useUiStore', () => {
  it('opens one overlay at a time, remembering the settings tab and the palette mode', () => {
    const ui = useUiStore();
    ui.openSettings('data');
    expect([ui.overlay, ui.settingsTab]).toEqual(['settings', 'data']);
    ui.openPalette('search');
    expect([ui.overlay, ui.paletteMode]).toEqual(['palette', 'search']);
    ui.openSettings();
    expect(ui.settingsTab).toBe('data');
    ui.openInspector('m1');
    expect([ui.overlay, ui.inspectedMessageId]).toEqual(['inspector', 'm1']);
  });

  it('closes the top overlay, leaving the focus to the dialog, which gives it back to its opener', () => {
    const ui = useUiStore();
    expect(ui.closeOverlay()).toBe(false);
    ui.openPalette();
    expect(ui.closeOverlay()).toBe(true);
    expect(ui.overlay).toBeNull();
    // Not pulled to the composer: the dialog's focus trap returns it to whatever opened the dialog.
    expect(ui.composerFocusRequests).toBe(0);
  });

  it('focuses the composer after opening, unless the user moved the focus meanwhile', async () => {
    const ui = useUiStore();
    const hit = document.body.appendChild(document.createElement('button'));
    const searchBox = document.body.appendChild(document.createElement('input'));
    /** Opens, does `meanwhile` while it is opening, and tells whether the composer was asked to take the focus. */
    async function composerTakesFocus(meanwhile: () => void): Promise<boolean> {
      const before = ui.composerFocusRequests;
      let finishOpening = (): void => {};
      hit.focus();
      const opened = ui.focusComposerAfter(() => new Promise<void>((resolve) => (finishOpening = resolve)));
      meanwhile();
      finishOpening();
      await opened;
      return ui.composerFocusRequests > before;
    }

    expect(await composerTakesFocus(() => {})).toBe(true);
    // The user clicked into the search box and typed while the conversation loaded: the keys stay there.
    expect(await composerTakesFocus(() => searchBox.focus())).toBe(false);
    // The clicked element went away with the list it was in: nothing holds the focus, so the composer takes it.
    expect(await composerTakesFocus(() => hit.remove())).toBe(true);
    searchBox.remove();
  });

  it('shows a toast until its time is up, or until dismissed', () => {
    vi.useFakeTimers();
    const ui = useUiStore();
    const undo = vi.fn();
    const first = ui.toast('Deleted “旅行”', { action: { label: 'Undo', run: undo }, timeoutMs: 5_000 });
    const second = ui.toast('Could not save', { tone: 'error' });
    expect(ui.toasts.map((toast) => [toast.id, toast.tone])).toEqual([
      [first, 'info'],
      [second, 'error'],
    ]);
    ui.toasts[0]!.action!.run();
    expect(undo).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(5_000);
    expect(ui.toasts.map((toast) => toast.id)).toEqual([second]);
    ui.dismiss(second);
    expect(ui.toasts).toEqual([]);
  });
});
