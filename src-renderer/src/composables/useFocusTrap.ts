/**
 * Keeps the keyboard inside a dialog: Tab and Shift+Tab move through the dialog's tabbable controls in
 * order and wrap around, and focus that lands outside anyway (a click on the page behind, a control
 * removed under the focus) is brought back. On release, the focus returns to where it was before.
 * The one implementation every dialog uses, through `ModalDialog`; menus share its focus return
 * (`useFocusReturn`).
 */
import { onBeforeUnmount, onMounted, type Ref } from 'vue';

const CANDIDATES =
  'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), ' +
  'textarea:not([disabled]), summary, iframe, [contenteditable=""], [contenteditable="true"], [tabindex]';

/** The elements Tab stops at inside `root`, in order: visible, enabled, one radio per group. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  const found: HTMLElement[] = [];
  const radioGroups = new Set<string>();
  for (const element of root.querySelectorAll<HTMLElement>(CANDIDATES)) {
    if (element.tabIndex < 0 || element.closest('[inert]')) continue;
    if (element.getClientRects().length === 0 || getComputedStyle(element).visibility === 'hidden') continue;
    if (element instanceof HTMLInputElement && element.type === 'radio' && element.name) {
      const group = [
        ...root.querySelectorAll<HTMLInputElement>(`input[type="radio"][name="${CSS.escape(element.name)}"]`),
      ];
      const stop = group.find((radio) => radio.checked) ?? group[0];
      if (stop !== element || radioGroups.has(element.name)) continue;
      radioGroups.add(element.name);
    }
    found.push(element);
  }
  return found;
}

/**
 * Gives the focus back, when the calling component goes away, to what had it when the component came:
 * the opener of a dialog or a menu. When the opener is gone (a row that scrolled away, a deleted
 * conversation), `fallback` decides. `skip` lets the caller keep the focus where an action put it.
 */
export function useFocusReturn(fallback: () => void = () => undefined): { skip: () => void } {
  let opener: Element | null = null;
  let skipped = false;
  onMounted(() => (opener = document.activeElement));
  onBeforeUnmount(() => {
    if (skipped) return;
    if (opener instanceof HTMLElement && opener.isConnected && opener !== document.body) opener.focus();
    else fallback();
  });
  return { skip: () => (skipped = true) };
}

/** Traps the focus in `panel` while the calling component is mounted. */
export function useFocusTrap(
  panel: Ref<HTMLElement | null>,
  /** Where the focus goes on release when the opener is gone (a row that scrolled away, a closed menu). */
  fallback: () => void = () => undefined,
): { onKeydown: (event: KeyboardEvent) => void } {
  function onKeydown(event: KeyboardEvent): void {
    const root = panel.value;
    // Ctrl+Tab and friends are the keymap's (next conversation), not a move between controls.
    if (event.key !== 'Tab' || !root || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey)
      return;
    const stops = tabbables(root);
    event.preventDefault();
    if (stops.length === 0) return root.focus();
    const index = stops.indexOf(document.activeElement as HTMLElement);
    const step = event.shiftKey ? -1 : 1;
    // From the panel itself (or anything not a stop), Tab goes to the first stop and Shift+Tab to the last.
    const next = index === -1 ? (event.shiftKey ? stops.length - 1 : 0) : (index + step + stops.length) % stops.length;
    stops[next]!.focus();
  }

  function onFocusIn(event: FocusEvent): void {
    const root = panel.value;
    if (!root || !(event.target instanceof Node) || root.contains(event.target)) return;
    // A nested dialog (a question over this one) keeps its own focus.
    if (event.target instanceof Element && event.target.closest('[role="dialog"], [role="alertdialog"]')) return;
    (tabbables(root)[0] ?? root).focus();
  }

  onMounted(() => document.addEventListener('focusin', onFocusIn));
  onBeforeUnmount(() => document.removeEventListener('focusin', onFocusIn));
  // After the listener above is gone, or it would pull the returning focus back in.
  useFocusReturn(fallback);
  return { onKeydown };
}
