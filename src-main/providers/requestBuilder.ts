/**
 * Builds the HTTP requests for a provider: the streaming chat completion and
 * the model list. Pure: no network, no secrets storage; the key is passed in.
 */
import type { GenerationParameters, ProviderView } from '../../src-preload/contract/types';
import { isSecretHeader } from '../../src-preload/contract/secretHeaders';
import type { ModelMessage } from '../../src-preload/contract/tools';
import { quirksFor, type ProviderQuirks } from './presets';

/** The fields of a provider the builder needs; a `ProviderView` fits. */
export type ProviderConfig = Pick<ProviderView, 'presetId' | 'baseUrl' | 'authStyle'> &
  Partial<Pick<ProviderView, 'apiVersion' | 'name' | 'keyEnvVar' | 'models'>> & {
    /** Overrides the preset's quirks, e.g. for a custom server known to accept `stream_options`. */
    quirks?: Partial<ProviderQuirks>;
  };

/** One chat message as sent upstream, tool calls and tool results included. */
export type ChatMessage = ModelMessage;

/** A tool offered to the model, in OpenAI's `tools` format. */
export interface FunctionTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** A ready-to-send request. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON text for POST; absent for GET. */
  body?: string;
}

/** Inputs of a chat completion request. */
export interface ChatRequestInput {
  provider: ProviderConfig;
  /** Null when the provider needs none (local servers) or none is set. */
  apiKey: string | null;
  /** The model, or for Azure the deployment name. */
  model: string;
  messages: readonly ChatMessage[];
  parameters?: GenerationParameters;
  /** Tools offered to the model; absent or empty offers none (no `tools` key is sent). */
  tools?: readonly FunctionTool[];
}

/** Default Azure `api-version` when the provider config has none. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** Builds `POST …/chat/completions` with `stream: true`. */
export function buildChatRequest(input: ChatRequestInput): HttpRequest {
  const quirks = effectiveQuirks(input.provider);
  const body: Record<string, unknown> = {
    model: input.model,
    messages: input.messages.map(wireMessage),
    stream: true,
  };
  if (input.tools && input.tools.length > 0) body.tools = input.tools;
  if (quirks.streamOptions) body.stream_options = { include_usage: true };
  const { temperature, maxTokens } = input.parameters ?? {};
  if (temperature !== undefined) body.temperature = temperature;
  if (maxTokens !== undefined) body[quirks.maxTokensField] = maxTokens;
  return {
    method: 'POST',
    url: chatCompletionsUrl(input.provider, input.model),
    headers: {
      ...authHeaders(input.provider, input.apiKey),
      ...quirks.extraHeaders,
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
    },
    body: JSON.stringify(body),
  };
}

/**
 * Builds `GET …/models`. For Azure it is `/openai/models?api-version=…`, which proves the key
 * but lists base models, not the deployments a request must name.
 */
export function buildModelsRequest(provider: ProviderConfig, apiKey: string | null): HttpRequest {
  const quirks = effectiveQuirks(provider);
  const url = quirks.needsDeployment
    ? `${trimBase(provider.baseUrl)}/openai/models?api-version=${encodeURIComponent(apiVersionOf(provider))}`
    : `${apiBase(provider.baseUrl)}/models`;
  return {
    method: 'GET',
    url,
    headers: { ...authHeaders(provider, apiKey), ...quirks.extraHeaders, Accept: 'application/json' },
  };
}

/** The URL of the streaming endpoint. */
export function chatCompletionsUrl(provider: ProviderConfig, model: string): string {
  if (effectiveQuirks(provider).needsDeployment) {
    return (
      `${trimBase(provider.baseUrl)}/openai/deployments/${encodeURIComponent(model)}/chat/completions` +
      `?api-version=${encodeURIComponent(apiVersionOf(provider))}`
    );
  }
  return `${apiBase(provider.baseUrl)}/chat/completions`;
}

/** The authentication header for the provider's style; none without a key. */
export function authHeaders(
  provider: Pick<ProviderConfig, 'authStyle'>,
  apiKey: string | null,
): Record<string, string> {
  const key = apiKey?.trim();
  if (!key) return {};
  if (provider.authStyle === 'bearer') return { Authorization: `Bearer ${key}` };
  if (provider.authStyle === 'api-key') return { 'api-key': key };
  return {};
}

/** A copy of the headers without any that can carry a secret, for logs and the inspector. */
export function redactHeaders(headers: Record<string, string> | Headers): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (!isSecretHeader(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/** A message with only the fields its role sends: a stored message may carry more. */
function wireMessage(message: ChatMessage): ChatMessage {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
  if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) {
    return { role: 'assistant', content: message.content, tool_calls: message.tool_calls };
  }
  return { role: message.role, content: message.content };
}

/** The preset's quirks with the config's overrides applied. */
export function effectiveQuirks(provider: ProviderConfig): ProviderQuirks {
  return { ...quirksFor(provider.presetId), ...provider.quirks };
}

function apiVersionOf(provider: ProviderConfig): string {
  return provider.apiVersion?.trim() || DEFAULT_AZURE_API_VERSION;
}

function trimBase(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '');
}

/** The base URL without trailing slashes, and without a pasted `/chat/completions` suffix. */
function apiBase(baseUrl: string): string {
  return trimBase(baseUrl).replace(/\/chat\/completions$/, '');
}
