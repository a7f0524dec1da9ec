import { describe, expect, it } from 'vitest';
import { findPreset, PROVIDER_PRESETS, quirksFor, toPresetView } from './presets';
import { buildChatRequest, buildModelsRequest, redactHeaders, type ProviderConfig } from './requestBuilder';

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Hi' },
];

function configFor(presetId: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  const preset = findPreset(presetId);
  if (!preset) throw new Error(presetId);
  return {
    presetId,
    baseUrl: preset.baseUrl,
    authStyle: preset.authStyle,
    ...(preset.apiVersion ? { apiVersion: preset.apiVersion } : {}),
    ...overrides,
  };
}

describe('presets', () => {
  it('has the expected providers with unique ids', () => {
    expect(PROVIDER_PRESETS.map((p) => p.id)).toEqual([
      'openai',
      'azure',
      'openrouter',
      'deepseek',
      'groq',
      'ollama',
      'lmstudio',
      'custom',
    ]);
  });

  it('describes local servers as keyless, on this computer', () => {
    for (const id of ['ollama', 'lmstudio']) {
      const p = findPreset(id);
      expect(p).toMatchObject({ authStyle: 'none', needsKey: false });
      expect(p?.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    }
    expect(findPreset('ollama')?.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(findPreset('lmstudio')?.baseUrl).toBe('http://127.0.0.1:1234/v1');
  });

  it('gives OpenAI and Azure their key variables and auth styles', () => {
    expect(findPreset('openai')).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      authStyle: 'bearer',
      keyEnvVar: 'OPENAI_API_KEY',
    });
    expect(findPreset('azure')).toMatchObject({ authStyle: 'api-key', keyEnvVar: 'AZURE_OPENAI_API_KEY' });
    expect(findPreset('azure')?.quirks).toMatchObject({ needsDeployment: true, modelsEndpoint: false });
  });

  it('falls back to the cautious custom quirks for an unknown preset', () => {
    expect(quirksFor('nope')).toEqual(findPreset('custom')?.quirks);
    expect(quirksFor('nope').streamOptions).toBe(false);
  });

  it('makes a renderer view without quirks or key variables', () => {
    const view = toPresetView(findPreset('azure')!);
    expect(view).toEqual({
      id: 'azure',
      name: 'Azure OpenAI',
      baseUrl: '',
      authStyle: 'api-key',
      defaultModels: [],
      needsDeployment: true,
    });
  });
});

describe('buildChatRequest', () => {
  it('builds an OpenAI streaming request with bearer auth and include_usage', () => {
    const req = buildChatRequest({
      provider: configFor('openai'),
      apiKey: 'sk-test-123',
      model: 'gpt-4o-mini',
      messages,
      parameters: { temperature: 0.2, maxTokens: 100 },
    });
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(req.headers).toMatchObject({
      Authorization: 'Bearer sk-test-123',
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
    });
    expect(JSON.parse(req.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_completion_tokens: 100,
    });
  });

  it('sends max_tokens, and omits unset parameters, for other providers', () => {
    const req = buildChatRequest({
      provider: configFor('deepseek'),
      apiKey: 'k-1234',
      model: 'deepseek-chat',
      messages,
      parameters: { maxTokens: 64 },
    });
    const body = JSON.parse(req.body ?? '');
    expect(body.max_tokens).toBe(64);
    expect(body).not.toHaveProperty('temperature');
    expect(body.stream).toBe(true);
  });

  it('builds the Azure deployment URL with api-version and the api-key header', () => {
    const req = buildChatRequest({
      provider: configFor('azure', { baseUrl: 'https://my-res.openai.azure.com/' }),
      apiKey: 'azkey',
      model: 'gpt4o deploy',
      messages,
    });
    expect(req.url).toBe(
      'https://my-res.openai.azure.com/openai/deployments/gpt4o%20deploy/chat/completions?api-version=2024-10-21',
    );
    expect(req.headers['api-key']).toBe('azkey');
    expect(req.headers).not.toHaveProperty('Authorization');
  });

  it('sends no auth header for keyless local servers, and none for custom without a key', () => {
    const ollama = buildChatRequest({ provider: configFor('ollama'), apiKey: 'ignored', model: 'llama3.2', messages });
    expect(ollama.url).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(Object.keys(ollama.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
    const custom = buildChatRequest({
      provider: configFor('custom', { baseUrl: 'http://10.0.0.5:8000/v1/' }),
      apiKey: null,
      model: 'm',
      messages,
    });
    expect(custom.url).toBe('http://10.0.0.5:8000/v1/chat/completions');
    expect(custom.headers).not.toHaveProperty('Authorization');
    expect(JSON.parse(custom.body ?? '')).not.toHaveProperty('stream_options');
  });

  it('accepts a base URL pasted with /chat/completions', () => {
    const req = buildChatRequest({
      provider: configFor('custom', { baseUrl: 'https://x.example/v1/chat/completions' }),
      apiKey: 'key-abc',
      model: 'm',
      messages,
    });
    expect(req.url).toBe('https://x.example/v1/chat/completions');
    expect(req.headers.Authorization).toBe('Bearer key-abc');
  });

  it('lets a config override a quirk', () => {
    const req = buildChatRequest({
      provider: configFor('custom', { baseUrl: 'http://h/v1', quirks: { streamOptions: true } }),
      apiKey: null,
      model: 'm',
      messages,
    });
    expect(JSON.parse(req.body ?? '').stream_options).toEqual({ include_usage: true });
  });

  it('adds OpenRouter’s attribution header', () => {
    const req = buildChatRequest({ provider: configFor('openrouter'), apiKey: 'or-key', model: 'a/b', messages });
    expect(req.headers['X-Title']).toBe('Nagare');
  });
});

describe('buildModelsRequest', () => {
  it('builds GET /models', () => {
    const req = buildModelsRequest(configFor('groq'), 'gsk_1');
    expect(req).toMatchObject({ method: 'GET', url: 'https://api.groq.com/openai/v1/models' });
    expect(req.headers.Authorization).toBe('Bearer gsk_1');
    expect(req.body).toBeUndefined();
  });

  it('uses Azure’s resource-level model list for verification', () => {
    const req = buildModelsRequest(
      configFor('azure', { baseUrl: 'https://r.openai.azure.com', apiVersion: '2025-01-01' }),
      'k',
    );
    expect(req.url).toBe('https://r.openai.azure.com/openai/models?api-version=2025-01-01');
    expect(req.headers['api-key']).toBe('k');
  });
});

describe('redactHeaders', () => {
  it('drops every header that can carry a secret', () => {
    const out = redactHeaders({
      Authorization: 'Bearer x',
      'api-key': 'y',
      'Set-Cookie': 'a=b',
      'content-type': 'text/event-stream',
    });
    expect(out).toEqual({ 'content-type': 'text/event-stream' });
    expect(redactHeaders(new Headers({ 'x-api-key': 'z', 'x-request-id': 'r' }))).toEqual({ 'x-request-id': 'r' });
  });
});
