/**
 * The quick-ask window: a small composer over other apps, opened by a global
 * shortcut. It is hidden, not closed, so it opens again at once.
 */
import type { BrowserWindow } from 'electron';
import { globalShortcut, screen } from 'electron';
import { createAppWindow, type CreateWindowOptions } from './mainWindow';

const SIZE = { width: 680, height: 420 };

export class QuickAskWindow {
  private window: BrowserWindow | null = null;
  private registered = '';

  constructor(
    private readonly options: Pick<CreateWindowOptions, 'bundleDir' | 'openExternal' | 'onRefused' | 'backgroundColor'>,
  ) {}

  get id(): number | null {
    return this.window && !this.window.isDestroyed() ? this.window.id : null;
  }

  toggle(): void {
    if (this.window && !this.window.isDestroyed() && this.window.isVisible() && this.window.isFocused()) {
      this.hide();
      return;
    }
    this.show();
  }

  show(): void {
    if (!this.window || this.window.isDestroyed()) {
      const area = screen.getDisplayNearestPoint(screen.getCursorScreenPoint()).workArea;
      this.window = createAppWindow({
        ...this.options,
        route: 'quick-ask',
        title: 'Nagare',
        bounds: {
          ...SIZE,
          x: Math.round(area.x + (area.width - SIZE.width) / 2),
          y: Math.round(area.y + area.height * 0.2),
        },
        minWidth: 420,
        minHeight: 200,
        alwaysOnTop: true,
      });
      this.window.on('closed', () => (this.window = null));
      return;
    }
    this.window.show();
    this.window.focus();
  }

  hide(): void {
    if (this.window && !this.window.isDestroyed()) this.window.hide();
  }

  /** Registers the system-wide shortcut, replacing the previous one; empty turns it off. */
  applyShortcut(accelerator: string): boolean {
    if (this.registered) globalShortcut.unregister(this.registered);
    this.registered = '';
    if (!accelerator) return true;
    try {
      if (!globalShortcut.register(accelerator, () => this.toggle())) return false;
    } catch {
      return false;
    }
    this.registered = accelerator;
    return true;
  }

  dispose(): void {
    if (this.registered) globalShortcut.unregister(this.registered);
    this.registered = '';
  }
}
