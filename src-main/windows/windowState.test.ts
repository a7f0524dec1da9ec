import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, placeWindow, type Display } from './windowState';

const laptop: Display = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const monitorRight: Display = { workArea: { x: 1440, y: 0, width: 2560, height: 1440 } };
const monitorLeft: Display = { workArea: { x: -1920, y: 0, width: 1920, height: 1080 } };

describe('placeWindow', () => {
  it('centres a first window on the primary display', () => {
    const bounds = placeWindow(null, [laptop], laptop);
    expect(bounds).toEqual({
      x: (1440 - DEFAULT_SIZE.width) / 2,
      y: 25 + Math.round((875 - DEFAULT_SIZE.height) / 2),
      ...DEFAULT_SIZE,
    });
  });

  it('restores saved bounds that are still on a screen, on any display', () => {
    const onMonitor = { x: 2000, y: 100, width: 1200, height: 900 };
    expect(placeWindow({ bounds: onMonitor, maximized: false }, [laptop, monitorRight], laptop)).toEqual(onMonitor);
    const onLeft = { x: -1800, y: 50, width: 1000, height: 700 };
    expect(placeWindow({ bounds: onLeft, maximized: false }, [laptop, monitorLeft], laptop)).toEqual(onLeft);
  });

  it('moves a window whose display is gone back onto the primary display, keeping its size', () => {
    const wasOnMonitor = { x: 2000, y: 100, width: 1200, height: 800 };
    const bounds = placeWindow({ bounds: wasOnMonitor, maximized: false }, [laptop], laptop);
    expect(bounds.width).toBe(1200);
    expect(bounds.height).toBe(800);
    expect(bounds.x).toBeGreaterThanOrEqual(0);
    expect(bounds.x + bounds.width).toBeLessThanOrEqual(1440);
    expect(bounds.y).toBeGreaterThanOrEqual(25);
  });

  it('brings back a window whose title bar is off the top or mostly off the side', () => {
    for (const lost of [
      { x: 100, y: -500, width: 900, height: 600 },
      { x: 1400, y: 100, width: 900, height: 600 },
      { x: -880, y: 100, width: 900, height: 600 },
    ]) {
      const bounds = placeWindow({ bounds: lost, maximized: false }, [laptop], laptop);
      expect(bounds.x, JSON.stringify(lost)).toBeGreaterThanOrEqual(0);
      expect(bounds.x + bounds.width).toBeLessThanOrEqual(1440);
      expect(bounds.y).toBeGreaterThanOrEqual(25);
    }
  });

  it('shrinks a window larger than its screen now', () => {
    const big = { x: 0, y: 25, width: 2400, height: 1400 };
    const bounds = placeWindow({ bounds: big, maximized: false }, [laptop], laptop);
    expect(bounds).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
  });
});
