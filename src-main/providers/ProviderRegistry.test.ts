import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFile } from '../settings/JsonFile';
import { ProviderRegistry, storedProvidersSchema } from './ProviderRegistry';

describe('ProviderRegistry', () => {
  let dir: string;
  let minted = 0;
  const open = () =>
    new ProviderRegistry(
      new JsonFile(join(dir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })),
      (base) => `${base}-${++minted}`,
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nagare-providers-'));
    minted = 0;
  });
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
      id: 'openai-1',
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
    expect(custom.id).toBe('company-gateway-3');
    expect(
      open()
        .list()
        .map((provider) => provider.id),
    ).toEqual(['openai-1', 'ollama-2', 'company-gateway-3']);
  });

  it('counts a provider as on this computer by its base URL, not its preset', () => {
    const registry = open();
    const onThisComputer = (presetId: string, baseUrl: string) =>
      registry.save({ presetId, name: presetId, baseUrl, defaultModel: 'm' }).isLocal;
    // A llama.cpp or vLLM server is a custom provider; an Ollama elsewhere on the network needs the network.
    expect(onThisComputer('custom', 'http://127.0.0.1:8080/v1')).toBe(true);
    expect(onThisComputer('custom', 'http://localhost:8000/v1')).toBe(true);
    expect(onThisComputer('custom', 'http://[::1]:8000/v1')).toBe(true);
    expect(onThisComputer('ollama', 'https://gpu-box.example/v1')).toBe(false);
    expect(onThisComputer('custom', 'https://llm.example/v1')).toBe(false);
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
    expect(registry.list().map((provider) => provider.id)).toEqual(['openai-1', 'openai-2']);
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

  it('mints ids itself: an id the renderer makes up is refused, never created', () => {
    const registry = open();
    for (const id of ['__proto__', 'constructor', 'openai', 'someone-elses-account']) {
      expect(() =>
        registry.save({ id, presetId: 'openai', name: 'X', baseUrl: 'https://api.openai.com/v1', defaultModel: 'm' }),
      ).toThrow(expect.objectContaining({ code: 'missing' }));
    }
    expect(registry.list()).toEqual([]);
    // A removed provider's id is never handed out again: a key left behind in the keychain stays unreachable.
    const real = open();
    const first = real.save({ presetId: 'openai', name: 'A', baseUrl: 'https://api.openai.com/v1', defaultModel: '' });
    real.remove(first.id);
    const next = real.save({ presetId: 'openai', name: 'A', baseUrl: 'https://api.openai.com/v1', defaultModel: '' });
    expect(next.id).not.toBe(first.id);
  });

  it('mints an id with a random part by default', () => {
    const registry = new ProviderRegistry(
      new JsonFile(join(dir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })),
    );
    const saved = registry.save({
      presetId: 'custom',
      name: 'My Box!',
      baseUrl: 'http://127.0.0.1:1/v1',
      defaultModel: '',
    });
    expect(saved.id).toMatch(/^my-box-[0-9a-f]{8}$/);
  });

  it('keeps a provider on its preset', () => {
    const registry = open();
    const saved = registry.save({
      presetId: 'groq',
      name: 'Groq',
      baseUrl: 'https://api.groq.com/openai/v1',
      defaultModel: 'a',
    });
    expect(() =>
      registry.save({
        id: saved.id,
        presetId: 'openai',
        name: 'Groq',
        baseUrl: 'https://api.groq.com/openai/v1',
        defaultModel: 'a',
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('keeps the local-network mark only for plain http to another machine, and marks older such entries', () => {
    const registry = open();
    const lan = registry.save({
      presetId: 'ollama',
      name: 'GPU box',
      baseUrl: 'http://192.168.1.20:11434/v1',
      defaultModel: 'x',
      localNetwork: true,
    });
    const loopback = registry.save({
      presetId: 'ollama',
      name: 'Here',
      baseUrl: 'http://127.0.0.1:11434/v1',
      defaultModel: 'x',
      localNetwork: true,
    });
    const tls = registry.save({
      presetId: 'custom',
      name: 'TLS',
      baseUrl: 'https://llm.example/v1',
      defaultModel: 'x',
      localNetwork: true,
    });
    expect([lan.localNetwork, loopback.localNetwork, tls.localNetwork]).toEqual([true, false, false]);

    // Set up before the mark existed: an http provider to another machine is shown as not encrypted.
    writeFileSync(
      join(dir, 'providers.json'),
      JSON.stringify({
        providers: [
          { id: 'old', presetId: 'custom', name: 'Old', baseUrl: 'http://10.0.0.2:8000/v1', defaultModel: 'm' },
        ],
      }),
    );
    expect(open().get('old').localNetwork).toBe(true);
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
