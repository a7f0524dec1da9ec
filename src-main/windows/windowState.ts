/**
 * Where the main window was: size, position and maximized state, restored on
 * start and moved back on screen when the display it was on is gone. The
 * placement logic is pure, so it is tested with a made-up list of screens.
 */
import { z } from 'zod';
import type { JsonFile } from '../settings/JsonFile';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Display {
  /** The usable area: the screen without the taskbar, dock or menu bar. */
  workArea: Rectangle;
}

export const windowStateSchema = z.object({
  bounds: z
    .object({ x: z.number(), y: z.number(), width: z.number().positive(), height: z.number().positive() })
    .nullable(),
  maximized: z.boolean(),
});
export type WindowState = z.output<typeof windowStateSchema>;

export const DEFAULT_SIZE = { width: 1100, height: 760 };
export const MIN_SIZE = { width: 640, height: 420 };
/** How much of the title bar must be on a screen for the window to count as reachable. */
const VISIBLE_MARGIN = 64;

function intersection(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** True when enough of the window's top edge lies on some display to grab it and drag it. */
function isReachable(bounds: Rectangle, displays: readonly Display[]): boolean {
  const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: 32 };
  return displays.some((display) => {
    const area = display.workArea;
    const overlapWidth = Math.min(titleBar.x + titleBar.width, area.x + area.width) - Math.max(titleBar.x, area.x);
    return overlapWidth >= VISIBLE_MARGIN && titleBar.y >= area.y && titleBar.y < area.y + area.height - 16;
  });
}

function centredOn(area: Rectangle, width: number, height: number): Rectangle {
  const fitWidth = Math.max(Math.min(width, area.width), Math.min(MIN_SIZE.width, area.width));
  const fitHeight = Math.max(Math.min(height, area.height), Math.min(MIN_SIZE.height, area.height));
  return {
    x: Math.round(area.x + (area.width - fitWidth) / 2),
    y: Math.round(area.y + (area.height - fitHeight) / 2),
    width: fitWidth,
    height: fitHeight,
  };
}

/**
 * The bounds to open the window with. Saved bounds are kept when they are
 * still reachable; a window on a display that is gone moves to the display it
 * overlapped most, or the primary one, keeping its size where it fits.
 */
export function placeWindow(saved: WindowState | null, displays: readonly Display[], primary: Display): Rectangle {
  const bounds = saved?.bounds;
  if (!bounds) return centredOn(primary.workArea, DEFAULT_SIZE.width, DEFAULT_SIZE.height);
  if (isReachable(bounds, displays)) {
    const home = displays.find((display) => intersection(bounds, display.workArea) > 0) ?? primary;
    // Reachable but larger than its screen (a smaller monitor now): shrink to fit.
    if (bounds.width <= home.workArea.width && bounds.height <= home.workArea.height) return { ...bounds };
    return centredOn(home.workArea, bounds.width, bounds.height);
  }
  const nearest = [...displays].sort((a, b) => intersection(bounds, b.workArea) - intersection(bounds, a.workArea))[0];
  const target = nearest && intersection(bounds, nearest.workArea) > 0 ? nearest : primary;
  return centredOn(target.workArea, bounds.width, bounds.height);
}

/** Keeps the window state in `window-state.json`. */
export class WindowStateStore {
  constructor(private readonly file: JsonFile<typeof windowStateSchema>) {}

  read(): WindowState {
    return this.file.read();
  }

  save(state: WindowState): void {
    try {
      this.file.write(state);
    } catch {
      // Losing the window position is not worth bothering the user about.
    }
  }
}
