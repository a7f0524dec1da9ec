import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFile } from '../settings/JsonFile';
import { ProviderRegistry, storedProvidersSchema } from './ProviderRegistry';

describe('ProviderRegistry', () => {
  let dir: string;
  const open = () =>
    new ProviderRegistry(new JsonFile(join(dir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })));

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nagare-providers-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds providers from presets, with preset facts, and keeps them on disk', () => {
    const registry = open();
    const openai = registry.save({
      presetId: 'openai',
      name: 'OpenAI',
      baseUrl: 'https://api.openai.com/v1/',
      defaultModel: '',
    });
    expect(openai).toMatchObject({
      id: 'openai',
      authStyle: 'bearer',
      needsKey: true,
      baseUrl: 'https://api.openai.com/v1',
    });
    expect(openai.defaultModel).not.toBe('');
    const local = registry.save({
      presetId: 'ollama',
      name: 'Ollama',
      baseUrl: 'http://127.0.0.1:11434/v1',
      defaultModel: 'llama3.2',
    });
    expect(local).toMatchObject({ needsKey: false, isLocal: true });
    const custom = registry.save({
      presetId: 'custom',
      name: 'Company Gateway',
      baseUrl: 'https://llm.example/v1',
      defaultModel: 'x',
    });
    expect(custom.id).toBe('company-gateway');
    expect(
      open()
        .list()
        .map((provider) => provider.id),
    ).toEqual(['openai', 'ollama', 'company-gateway']);
  });

  it('never writes a key field and gives a second provider of one preset its own id', () => {
    const registry = open();
    registry.save({ presetId: 'openai', name: 'Work', baseUrl: 'https://api.openai.com/v1', defaultModel: 'gpt-4o' });
    const second = registry.save({
      presetId: 'openai',
      name: 'Home',
      baseUrl: 'https://api.openai.com/v1',
      defaultModel: 'gpt-4o',
    });
    expect(second.id).toBe('openai-2');
    expect(readFileSync(join(dir, 'providers.json'), 'utf8')).not.toMatch(/key"\s*:/i);
  });

  it('updates in place, removes, and reports a missing provider as missing', () => {
    const registry = open();
    const saved = registry.save({
      presetId: 'groq',
      name: 'Groq',
      baseUrl: 'https://api.groq.com/openai/v1',
      defaultModel: 'a',
    });
    registry.save({ ...saved, presetId: 'groq', defaultModel: 'b', models: undefined, apiVersion: undefined });
    expect(registry.get(saved.id).defaultModel).toBe('b');
    registry.remove(saved.id);
    expect(() => registry.get(saved.id)).toThrow(expect.objectContaining({ code: 'missing' }));
  });

  it('moves a corrupt file aside and starts empty', () => {
    const registry = open();
    registry.save({ presetId: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', defaultModel: 'gpt-4o' });
    const file = join(dir, 'providers.json');
    rmSync(file);
    writeFileSync(file, '{"providers": [ {"id": ');
    expect(open().list()).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.startsWith('providers.json.corrupt-'))).toHaveLength(1);
  });
});
