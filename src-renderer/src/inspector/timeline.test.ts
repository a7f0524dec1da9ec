import { describe, expect, it } from 'vitest';
import type { RawStreamEntry } from '../../../src-preload/contract/types';
import { extractionBadge, formatData, rowKind } from './timeline';

const entry = (type: RawStreamEntry['type'], data: string, event = ''): RawStreamEntry => ({
  at: 0,
  type,
  event,
  id: '',
  data,
});

describe('rowKind', () => {
  it('marks empty and ping comments, and ping events, as keep-alives', () => {
    expect(rowKind(entry('comment', ''))).toBe('keepAlive');
    expect(rowKind(entry('comment', ' keep-alive'))).toBe('keepAlive');
    expect(rowKind(entry('event', '{}', 'ping'))).toBe('keepAlive');
    expect(rowKind(entry('comment', 'OPENROUTER PROCESSING'))).toBe('comment');
    expect(rowKind(entry('event', '{}'))).toBe('event');
    expect(rowKind(entry('error-body', '{}'))).toBe('errorBody');
  });
});

describe('formatData', () => {
  it('collapses JSON to one line and pretty-prints it expanded', () => {
    const formatted = formatData(entry('event', '{"a": [1, 2],\n "b": "x"}'));
    expect(formatted).toMatchObject({ isJson: true, collapsed: '{"a":[1,2],"b":"x"}', expandable: true });
    expect(formatted.expanded).toBe('{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x"\n}');
  });

  it('shows other data as it is, with line breaks marked when collapsed', () => {
    expect(formatData(entry('event', '[DONE]'))).toMatchObject({
      isJson: false,
      collapsed: '[DONE]',
      expandable: false,
    });
    expect(formatData(entry('event', 'a\nb'))).toMatchObject({
      collapsed: 'a ⏎ b',
      expanded: 'a\nb',
      expandable: true,
    });
  });
});

describe('extractionBadge', () => {
  it('quotes used values and shows nothing for skipped events', () => {
    expect(extractionBadge({ index: 0, value: 'Hi\n', reason: 'used' })).toBe('"Hi\\n"');
    expect(extractionBadge({ index: 0, value: null, reason: 'missing' })).toBeNull();
    expect(extractionBadge(undefined)).toBeNull();
  });
});
