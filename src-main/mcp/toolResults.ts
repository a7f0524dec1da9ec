/** Tool results as text for the model: MCP content flattened, capped, and arguments parsed. */
import { ToolError } from './ToolError';

/**
 * Cuts text to `cap` characters, never inside a surrogate pair, and says how much was left out,
 * so the model knows the result is partial.
 */
export function capOutput(text: string, cap: number): { text: string; truncated: boolean } {
  if (text.length <= cap) return { text, truncated: false };
  let end = cap;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return { text: `${text.slice(0, end)}\n[… ${text.length - end} more characters cut by Nagare]`, truncated: true };
}

/**
 * The text of an MCP `callTool` answer: text parts as they are, other parts named, structured
 * content as JSON. Anything that is not MCP content is `tool_malformed`.
 */
export function resultText(answer: { content?: unknown; structuredContent?: unknown }): string {
  if (!Array.isArray(answer.content)) {
    if (answer.structuredContent !== undefined) return JSON.stringify(answer.structuredContent);
    throw new ToolError('tool_malformed', 'The server answered without any content.');
  }
  const parts: string[] = [];
  for (const part of answer.content as unknown[]) {
    if (typeof part !== 'object' || part === null || typeof (part as { type?: unknown }).type !== 'string') {
      throw new ToolError('tool_malformed', 'The server answered with content Nagare cannot read.');
    }
    const { type } = part as { type: string };
    if (type === 'text') parts.push(String((part as { text?: unknown }).text ?? ''));
    else if (type === 'resource')
      parts.push(String((part as { resource?: { text?: unknown } }).resource?.text ?? '[resource]'));
    else parts.push(`[${type}]`);
  }
  return parts.join('\n');
}

/** The model's arguments as an object; anything else is `tool_bad_arguments`. Empty means none. */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ToolError('tool_bad_arguments', 'The model sent arguments that are not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ToolError('tool_bad_arguments', 'The model sent arguments that are not a JSON object.');
  }
  return value as Record<string, unknown>;
}
