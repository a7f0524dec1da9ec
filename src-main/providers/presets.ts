/**
 * The providers Nagare knows out of the box, as data. Differences between
 * providers are quirks flags read by the request builder, never `if (id === …)`.
 */
import type { AuthStyle, ProviderPresetView } from '../../src-preload/contract/types';

/** Ways a provider differs from plain OpenAI. */
export interface ProviderQuirks {
  /** Whether `stream_options: { include_usage: true }` is accepted (unknown servers may reject it). */
  streamOptions: boolean;
  /** Whether `GET {baseUrl}/models` lists the names to put in `model`. */
  modelsEndpoint: boolean;
  /** Azure: the model is a deployment, addressed in the URL with an `api-version` query. */
  needsDeployment: boolean;
  /** Body field for the output limit; OpenAI's reasoning models refuse `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Headers every request carries, e.g. OpenRouter's app attribution. */
  extraHeaders?: Readonly<Record<string, string>>;
}

/** A provider preset. */
export interface ProviderPreset {
  id: string;
  name: string;
  /** Empty when the user must supply it (custom, Azure). */
  baseUrl: string;
  authStyle: AuthStyle;
  /** False when the server works without a key (local servers; optional for custom). */
  needsKey: boolean;
  defaultModels: readonly string[];
  /** Environment variable a key may be read from; empty when none is conventional. */
  keyEnvVar: string;
  /** Azure `api-version` query parameter. */
  apiVersion?: string;
  quirks: ProviderQuirks;
}

const openAiLike: ProviderQuirks = {
  streamOptions: true,
  modelsEndpoint: true,
  needsDeployment: false,
  maxTokensField: 'max_tokens',
};

/** Every preset, in the order the settings screen shows them. */
export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  {
    id: 'openai',
    name: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    authStyle: 'bearer',
    needsKey: true,
    defaultModels: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini'],
    keyEnvVar: 'OPENAI_API_KEY',
    quirks: { ...openAiLike, maxTokensField: 'max_completion_tokens' },
  },
  {
    id: 'azure',
    name: 'Azure OpenAI',
    // The resource endpoint, e.g. https://my-resource.openai.azure.com; the user must fill it in.
    baseUrl: '',
    authStyle: 'api-key',
    needsKey: true,
    defaultModels: [],
    keyEnvVar: 'AZURE_OPENAI_API_KEY',
    apiVersion: '2024-10-21',
    quirks: { ...openAiLike, modelsEndpoint: false, needsDeployment: true },
  },
  {
    id: 'openrouter',
    name: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    authStyle: 'bearer',
    needsKey: true,
    defaultModels: [
      'openai/gpt-4o-mini',
      'anthropic/claude-sonnet-4',
      'google/gemini-2.5-flash',
      'deepseek/deepseek-r1',
    ],
    keyEnvVar: 'OPENROUTER_API_KEY',
    quirks: { ...openAiLike, extraHeaders: { 'X-Title': 'Nagare' } },
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    baseUrl: 'https://api.deepseek.com/v1',
    authStyle: 'bearer',
    needsKey: true,
    defaultModels: ['deepseek-chat', 'deepseek-reasoner'],
    keyEnvVar: 'DEEPSEEK_API_KEY',
    quirks: openAiLike,
  },
  {
    id: 'groq',
    name: 'Groq',
    baseUrl: 'https://api.groq.com/openai/v1',
    authStyle: 'bearer',
    needsKey: true,
    defaultModels: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant'],
    keyEnvVar: 'GROQ_API_KEY',
    // Groq reports usage in `x_groq.usage` on its own, so the option is not needed.
    quirks: { ...openAiLike, streamOptions: false },
  },
  {
    id: 'ollama',
    name: 'Ollama',
    baseUrl: 'http://127.0.0.1:11434/v1',
    authStyle: 'none',
    needsKey: false,
    defaultModels: ['llama3.2', 'qwen2.5'],
    keyEnvVar: '',
    quirks: openAiLike,
  },
  {
    id: 'lmstudio',
    name: 'LM Studio',
    baseUrl: 'http://127.0.0.1:1234/v1',
    authStyle: 'none',
    needsKey: false,
    defaultModels: [],
    keyEnvVar: '',
    // Older LM Studio builds reject unknown body fields.
    quirks: { ...openAiLike, streamOptions: false },
  },
  {
    id: 'custom',
    name: 'Custom (OpenAI-compatible)',
    baseUrl: '',
    authStyle: 'bearer',
    needsKey: false,
    defaultModels: [],
    keyEnvVar: '',
    // An unknown server: send only what every OpenAI-compatible server accepts.
    quirks: { ...openAiLike, streamOptions: false },
  },
];

/** The preset with this id, or undefined. */
export function findPreset(id: string): ProviderPreset | undefined {
  return PROVIDER_PRESETS.find((p) => p.id === id);
}

/** The quirks for a preset id; an unknown id gets the cautious `custom` quirks. */
export function quirksFor(presetId: string): ProviderQuirks {
  return (findPreset(presetId) ?? findPreset('custom'))?.quirks ?? openAiLike;
}

/** The preset as the renderer sees it. */
export function toPresetView(preset: ProviderPreset): ProviderPresetView {
  return {
    id: preset.id,
    name: preset.name,
    baseUrl: preset.baseUrl,
    authStyle: preset.authStyle,
    defaultModels: [...preset.defaultModels],
    needsDeployment: preset.quirks.needsDeployment,
  };
}
