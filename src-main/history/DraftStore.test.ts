import { describe, expect, it } from 'vitest';
import { useFreshStore } from './testSupport';

const fresh = useFreshStore();

describe('drafts', () => {
  it('keeps drafts; an empty text deletes', () => {
    const store = fresh.current;
    expect(store.drafts.get('new')).toBe('');
    store.drafts.set('new', 'half a thought');
    expect(store.drafts.get('new')).toBe('half a thought');
    store.drafts.set('new', '');
    expect(store.drafts.get('new')).toBe('');
    const n = store.opened.db.prepare('SELECT count(*) AS n FROM drafts').get() as { n: number };
    expect(n.n).toBe(0);
  });
});
