/** One action of a row of buttons: a message's actions, the header's, a notice's, a Settings section's. */
import type { Component } from 'vue';

export interface RowAction {
  /** Unique in its row; also its `data-testid`. */
  testId: string;
  label: string;
  /** Makes the button icon-only (see `ActionRow`); its label is then its accessible name. */
  icon?: Component;
  /** The tooltip when it says more than the label (the key, the format). */
  tip?: string;
  disabled?: boolean;
  /** A labelled button's look; of an icon button's, only 'danger' counts (it turns red on hover). */
  look?: 'primary' | 'danger' | 'ghost';
  /** For a toggle: whether it is on (`aria-pressed`). */
  pressed?: boolean;
  run: () => unknown;
}
