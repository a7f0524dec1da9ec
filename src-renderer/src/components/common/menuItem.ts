/** One action in a menu (`ContextMenu`, `MenuButton`). */
import type { Component } from 'vue';

export interface MenuItem {
  /** Unique in its menu; also its `data-testid` (`menu-item-<id>`). */
  id: string;
  label: string;
  icon?: Component;
  /** The key that runs the same action, as shown (`F2`, `⌘⌫`). */
  shortcut?: string;
  danger?: boolean;
  disabled?: boolean;
  /** A line above this item, to set destructive actions apart. */
  separatorBefore?: boolean;
  run: () => unknown;
}
