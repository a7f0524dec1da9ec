import { describe, expect, it } from 'vitest';
import { useFreshStore } from './testSupport';

const fresh = useFreshStore();

function countDrafts(): number {
  return (fresh.current.opened.db.prepare('SELECT count(*) AS n FROM drafts').get() as { n: number }).n;
}

/** Records a file as `attachments.add` does (the bytes themselves are the BlobStore's). */
function recordFile(sha256: string, kind: 'image' | 'text' = 'text'): void {
  fresh.current.attachments.record({
    sha256,
    kind,
    mimeType: kind === 'image' ? 'image/png' : 'text/plain',
    bytes: 1234,
    width: kind === 'image' ? 640 : null,
    height: kind === 'image' ? 480 : null,
    pages: null,
    text: kind === 'image' ? null : 'メモ 📝',
  });
}

describe('drafts', () => {
  it('keeps drafts; an empty text deletes', () => {
    const store = fresh.current;
    expect(store.drafts.get('new')).toEqual({ text: '', attachments: [] });
    store.drafts.set('new', { text: 'half a thought' });
    expect(store.drafts.get('new').text).toBe('half a thought');
    store.drafts.set('new', { text: '' });
    expect(store.drafts.get('new').text).toBe('');
    expect(countDrafts()).toBe(0);
  });

  it('keeps the files of a draft with its text, each saved on its own, and answers them as views in order', () => {
    const store = fresh.current;
    const image = 'a'.repeat(64);
    const notes = 'b'.repeat(64);
    recordFile(image, 'image');
    recordFile(notes);
    store.drafts.set('conv-1', {
      attachments: [
        { id: image, name: 'スクリーンショット.png' },
        { id: notes, name: 'notes.md' },
      ],
    });
    store.drafts.set('conv-1', { text: 'what is this?' });
    const draft = store.drafts.get('conv-1');
    expect(draft.text).toBe('what is this?');
    expect(draft.attachments).toEqual([
      expect.objectContaining({ id: image, name: 'スクリーンショット.png', kind: 'image', width: 640, height: 480 }),
      expect.objectContaining({ id: notes, name: 'notes.md', kind: 'text', textChars: 4 }),
    ]);
    // Other places are untouched.
    expect(store.drafts.get('new').attachments).toEqual([]);

    // Emptying the text keeps the files; emptying both removes the draft.
    store.drafts.set('conv-1', { text: '' });
    expect(store.drafts.get('conv-1').attachments).toHaveLength(2);
    expect(countDrafts()).toBe(1);
    store.drafts.set('conv-1', { attachments: [] });
    expect(countDrafts()).toBe(0);
  });

  it('refuses a file that was never stored, and changes nothing', () => {
    const store = fresh.current;
    store.drafts.set('new', { text: 'kept' });
    expect(() =>
      store.drafts.set('new', { text: 'changed', attachments: [{ id: 'c'.repeat(64), name: 'x.png' }] }),
    ).toThrow(expect.objectContaining({ code: 'missing' }));
    expect(store.drafts.get('new')).toEqual({ text: 'kept', attachments: [] });
  });

  it('leaves out a file forgotten since, and reads a damaged files column as none', () => {
    const store = fresh.current;
    const gone = 'd'.repeat(64);
    recordFile(gone);
    store.drafts.set('new', { text: 'hi', attachments: [{ id: gone, name: 'gone.txt' }] });
    store.opened.db.prepare('DELETE FROM attachments WHERE sha256 = ?').run(gone);
    expect(store.drafts.get('new')).toEqual({ text: 'hi', attachments: [] });
    store.opened.db.prepare(`UPDATE drafts SET attachments = '{not json' WHERE key = 'new'`).run();
    expect(store.drafts.get('new')).toEqual({ text: 'hi', attachments: [] });
  });

  it('removes the draft of a deleted conversation once its undo window ends', () => {
    const store = fresh.current;
    const conversation = store.repo.createConversation({ title: 'Doomed' });
    store.drafts.set(conversation.id, { text: 'never sent' });
    store.drafts.set('new', { text: 'stays' });
    store.repo.deleteConversation(conversation.id);
    store.repo.purgeExpiredDeletes();
    expect(store.drafts.get(conversation.id).text).toBe('never sent'); // still undoable
    store.clock.advance(60_000);
    store.repo.purgeExpiredDeletes();
    expect(store.drafts.get(conversation.id).text).toBe('');
    expect(store.drafts.get('new').text).toBe('stays');
  });
});
