import { describe, expect, it } from 'vitest';
import { resizeMovesReader } from './useVirtualRows';

// The list in real Chromium (measuring, typesetting late, loading older pages) is covered by
// e2e/longConversation.spec.ts; this is the rule that decides when the scroll position is corrected.
describe('resizeMovesReader', () => {
  const scrolledTo = 1_000;

  it('corrects for a row wholly above the fold that grows, whichever way the list scrolls', () => {
    expect(resizeMovesReader({ start: 600, end: 900 }, scrolledTo, true)).toBe(true);
    expect(resizeMovesReader({ start: 700, end: 1_000 }, scrolledTo, true)).toBe(true);
  });

  it('leaves alone a row that spans the fold and grows below the reader, such as a streaming reply', () => {
    expect(resizeMovesReader({ start: 800, end: 1_200 }, scrolledTo, true)).toBe(false);
  });

  it('corrects a first measurement of a row whose top is above the fold: its estimate was above it', () => {
    expect(resizeMovesReader({ start: 800, end: 1_200 }, scrolledTo, false)).toBe(true);
    expect(resizeMovesReader({ start: 1_000, end: 1_160 }, scrolledTo, false)).toBe(false);
  });

  it('never corrects for rows below the fold', () => {
    expect(resizeMovesReader({ start: 1_400, end: 1_600 }, scrolledTo, true)).toBe(false);
    expect(resizeMovesReader({ start: 1_400, end: 1_600 }, scrolledTo, false)).toBe(false);
  });
});
