/**
 * Builds the HTTP requests for a provider: the streaming chat completion and
 * the model list. Pure: no network, no secrets storage; the key is passed in.
 */
import type { ElidedPayload, GenerationParameters, ProviderView } from '../../src-preload/contract/types';
import { isSecretHeader } from '../../src-preload/contract/secretHeaders';
import type { ModelMessage } from '../../src-preload/contract/tools';
import { quirksFor, type ProviderQuirks } from './presets';

/** The fields of a provider the builder needs; a `ProviderView` fits. */
export type ProviderConfig = Pick<ProviderView, 'presetId' | 'baseUrl' | 'authStyle'> &
  Partial<Pick<ProviderView, 'apiVersion' | 'name' | 'keyEnvVar' | 'models'>> & {
    /** Overrides the preset's quirks, e.g. for a custom server known to accept `stream_options`. */
    quirks?: Partial<ProviderQuirks>;
  };

/**
 * One part of a message with attachments: text (what the user typed, or a
 * file's text under its name), or an image's bytes in base64, sent as an
 * OpenAI `image_url` data URL and written into logs as a short placeholder.
 */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; mimeType: string; base64: string; payload: Omit<ElidedPayload, 'placeholder'> };

/**
 * One chat message as sent upstream: text, or parts when it carries attachments; a reply's tool
 * calls and each tool's result as OpenAI shapes them.
 */
export type ChatMessage =
  | { role: 'system' | 'user' | 'assistant'; content: string | readonly ContentPart[] }
  | Extract<ModelMessage, { role: 'assistant' | 'tool' }>;

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
  /** The body as logs show it: each image's base64 replaced by a placeholder (see `elided`). */
  loggedBody?: string;
  /** The payloads `loggedBody` leaves out. */
  elided?: ElidedPayload[];
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

/** The placeholder a log holds instead of an image's data URL: its type, size and name, never its bytes. */
export function payloadPlaceholder(payload: Omit<ElidedPayload, 'placeholder'>): string {
  const size =
    payload.bytes >= 1024 * 1024
      ? `${(payload.bytes / (1024 * 1024)).toFixed(1)} MB`
      : `${Math.ceil(payload.bytes / 1024)} KB`;
  return `data:${payload.mimeType};base64,<${size} left out: ${payload.name}>`;
}

/**
 * A message in the OpenAI format, with only the fields its role sends (a stored message may carry
 * more); `imageUrl` decides what an image's URL is (the data, or a placeholder).
 */
function wireMessage(message: ChatMessage, imageUrl: (part: Extract<ContentPart, { type: 'image' }>) => string) {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
  if ('tool_calls' in message && message.tool_calls && message.tool_calls.length > 0) {
    return { role: 'assistant', content: message.content, tool_calls: message.tool_calls };
  }
  if (typeof message.content === 'string') return { role: message.role, content: message.content };
  return {
    role: message.role,
    content: message.content.map((part) =>
      part.type === 'text'
        ? { type: 'text', text: part.text }
        : { type: 'image_url', image_url: { url: imageUrl(part) } },
    ),
  };
}

/** True when a message list sends at least one image. */
export function sendsImages(messages: readonly ChatMessage[]): boolean {
  return messages.some(
    (message) => typeof message.content !== 'string' && message.content.some((part) => part.type === 'image'),
  );
}

/** Builds `POST …/chat/completions` with `stream: true`. */
export function buildChatRequest(input: ChatRequestInput): HttpRequest {
  const quirks = effectiveQuirks(input.provider);
  const body: Record<string, unknown> = {
    model: input.model,
    messages: input.messages.map((m) => wireMessage(m, (part) => `data:${part.mimeType};base64,${part.base64}`)),
    stream: true,
  };
  if (input.tools && input.tools.length > 0) body.tools = input.tools;
  if (quirks.streamOptions) body.stream_options = { include_usage: true };
  const { temperature, maxTokens } = input.parameters ?? {};
  if (temperature !== undefined) body.temperature = temperature;
  if (maxTokens !== undefined) body[quirks.maxTokensField] = maxTokens;
  const request: HttpRequest = {
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
  if (sendsImages(input.messages)) {
    const elided: ElidedPayload[] = [];
    const logged = {
      ...body,
      messages: input.messages.map((m) =>
        wireMessage(m, (part) => {
          const placeholder = payloadPlaceholder(part.payload);
          if (!elided.some((known) => known.id === part.payload.id)) elided.push({ ...part.payload, placeholder });
          return placeholder;
        }),
      ),
    };
    request.loggedBody = JSON.stringify(logged);
    request.elided = elided;
  }
  return request;
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
