import { describe, expect, it } from 'vitest';
import { SessionSecretStore } from './SessionSecretStore';

describe('SessionSecretStore', () => {
  it('keeps keys per account in memory and forgets them on delete', async () => {
    const store = new SessionSecretStore();
    expect(await store.get('openai')).toBeNull();
    await store.set('openai', 'sk-1');
    await store.set('groq', 'gsk-2');
    await store.set('openai', 'sk-3');
    expect(await store.get('openai')).toBe('sk-3');
    expect(await store.get('groq')).toBe('gsk-2');
    await store.delete('openai');
    await store.delete('missing');
    expect(await store.get('openai')).toBeNull();
    expect(await store.get('groq')).toBe('gsk-2');
  });

  it('does not share keys between instances (a new run starts empty)', async () => {
    await new SessionSecretStore().set('openai', 'sk-1');
    expect(await new SessionSecretStore().get('openai')).toBeNull();
  });
});
