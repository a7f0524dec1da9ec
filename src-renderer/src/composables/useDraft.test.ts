// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, ref } from 'vue';
import type { Draft, Result } from '../../../src-preload/contract';
import { installFakeNagare, ok } from '../testing/fakeNagare';
import { DRAFT_SAVE_DELAY_MS, useDraft } from './useDraft';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setUp(saved: Record<string, string> = {}) {
  const fake = installFakeNagare({
    drafts: { get: ({ key }) => ok({ text: saved[key] ?? '', attachments: [] }) },
  });
  const key = ref('c1');
  const scope = effectScope();
  const draft = scope.run(() => useDraft(key))!;
  return { fake, key, scope, draft };
}

describe('useDraft', () => {
  it('saves once typing pauses, not per keystroke', async () => {
    const { fake, draft } = setUp();
    draft.setDraft('こ');
    draft.setDraft('こん');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS - 1);
    expect(fake.api.drafts.set).not.toHaveBeenCalled();
    draft.setDraft('こんにちは');
    await vi.advanceTimersByTimeAsync(DRAFT_SAVE_DELAY_MS);
    expect(fake.api.drafts.set.mock.calls).toEqual([[{ key: 'c1', text: 'こんにちは' }]]);
    expect(draft.draft.value).toBe('こんにちは');
  });

  it('saves under the place it was typed in, at once, when the user leaves', () => {
    const { fake, key, draft } = setUp();
    draft.setDraft('half a thought');
    key.value = 'c2';
    draft.flushDraft();
    expect(fake.api.drafts.set.mock.calls).toEqual([[{ key: 'c1', text: 'half a thought' }]]);
  });

  it('saves a pending draft when the window closes and when the scope ends', () => {
    const { fake, scope, draft } = setUp();
    draft.setDraft('typed just before closing');
    window.dispatchEvent(new Event('beforeunload'));
    expect(fake.api.drafts.set).toHaveBeenCalledTimes(1);
    draft.setDraft('and then some');
    scope.stop();
    expect(fake.api.drafts.set).toHaveBeenLastCalledWith({ key: 'c1', text: 'and then some' });
  });

  it('drops a loaded draft for a place the user already left', async () => {
    const { fake, key, draft } = setUp({ c1: 'draft one', c2: 'draft two' });
    let answerFirst: () => void = () => undefined;
    fake.api.drafts.get.mockReturnValueOnce(
      new Promise<Result<Draft>>(
        (resolve) => (answerFirst = () => resolve({ ok: true, value: { text: 'draft one', attachments: [] } })),
      ),
    );
    const first = draft.loadDraft();
    key.value = 'c2';
    await draft.loadDraft();
    answerFirst();
    await first;
    await flushPromises();
    expect(draft.draft.value).toBe('draft two');
  });

  it('keeps what the user typed while the saved draft was on its way', async () => {
    const { fake, draft } = setUp({ c1: '' });
    let answer: () => void = () => undefined;
    fake.api.drafts.get.mockReturnValueOnce(
      new Promise<Result<Draft>>(
        (resolve) => (answer = () => resolve({ ok: true, value: { text: '', attachments: [] } })),
      ),
    );
    const loading = draft.loadDraft();
    draft.setDraft('typed at once');
    answer();
    await loading;
    expect(draft.draft.value).toBe('typed at once');
  });

  it('empties a sent draft in the composer and in main at once', () => {
    const { fake, draft } = setUp();
    draft.setDraft('sent text');
    draft.clearSentDraft('new');
    expect(draft.draft.value).toBe('');
    expect(fake.api.drafts.set.mock.calls).toEqual([[{ key: 'new', text: '' }]]);
  });

  it('hands the loaded draft’s files to their place, even when the user already left it', async () => {
    const fake = installFakeNagare();
    const key = ref('c1');
    const loaded: Array<[string, number]> = [];
    const scope = effectScope();
    const draft = scope.run(() => useDraft(key, (place, saved) => loaded.push([place, saved.attachments.length])))!;
    const file = {
      id: 'a'.repeat(64),
      name: 'notes.md',
      kind: 'text' as const,
      mimeType: 'text/plain',
      bytes: 10,
      width: null,
      height: null,
      pages: null,
      textChars: 10,
    };
    let answer: () => void = () => undefined;
    fake.api.drafts.get.mockReturnValueOnce(
      new Promise<Result<Draft>>(
        (resolve) => (answer = () => resolve({ ok: true, value: { text: 'typed in c1', attachments: [file] } })),
      ),
    );
    const loading = draft.loadDraft();
    key.value = 'c2';
    answer();
    await loading;
    expect(loaded).toEqual([['c1', 1]]);
    expect(draft.draft.value).toBe('');
    scope.stop();
  });
});
