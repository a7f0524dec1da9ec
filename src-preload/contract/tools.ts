/**
 * Tools through MCP: the servers the user adds, their state, and the tool calls of a reply
 * (asked, approved or denied, run, answered). Schemas for what the renderer sends; types for
 * what main answers and stores.
 */
import { z } from 'zod';
import type { NagareErrorShape } from './errors';

const id = z.string().min(1).max(100);
/** A variable name a shell would accept; the value is whatever the user typed. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name');

/** How many model replies one turn may chain through tool calls before Nagare stops asking. */
export const TOOL_STEP_LIMIT = 8;
/** Longest tool result sent to the model and kept in history, in characters. */
export const TOOL_OUTPUT_CAP_CHARS = 64 * 1024;
/** How long one tool call may run before it is given up as timed out. */
export const TOOL_CALL_TIMEOUT_MS = 60_000;
/** What the model is told when the user refuses a call. */
export const DENIED_RESULT = 'denied by the user';

/** An HTTP header name, as RFC 9110 allows it. */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'must be a header name');

/**
 * An MCP server: a local command Nagare starts, speaking MCP over its stdin and stdout, or a
 * remote URL (Streamable HTTP) with headers whose values go to the keychain.
 */
export const mcpServerSaveInput = z
  .object({
    /** Absent: a new server. */
    id: id.optional(),
    name: z.string().min(1).max(100),
    /** The local command; empty for a remote server. */
    command: z.string().max(2000).default(''),
    /** The remote server's Streamable HTTP address; empty for a local one. */
    url: z
      .string()
      .max(2000)
      .refine((value) => value === '' || /^https?:\/\//i.test(value), 'must be an http or https URL')
      .default(''),
    /**
     * Headers of a remote server, such as `Authorization`. Each value is stored in the keychain,
     * never in a file, and never sent back; an empty value keeps the stored one. Headers left out
     * are removed.
     */
    headers: z.record(headerName, z.string().max(8192)).default({}),
    args: z.array(z.string().max(2000)).max(100).default([]),
    /** Only these variables, besides PATH, HOME and the locale, reach the server. */
    env: z.record(envName, z.string().max(10_000)).default({}),
    /** The working folder; empty means the user's home folder. */
    cwd: z.string().max(2000).default(''),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((server) => (server.command.trim() === '') !== (server.url.trim() === ''), {
    message: 'Give either a command or a URL.',
  });

export const mcpServerIdInput = z.object({ serverId: id }).strict();
export const mcpSetEnabledInput = z.object({ serverId: id, enabled: z.boolean() }).strict();

/** The user's answer to one tool call of a running reply. */
export const toolDecideInput = z
  .object({
    streamId: id,
    callId: z.string().min(1).max(200),
    decision: z.enum(['run', 'deny', 'always']),
  })
  .strict();

/** The servers whose tools a conversation offers the model; `conversationId` absent for a new chat. */
export const conversationToolsInput = z.object({ conversationId: id, serverIds: z.array(id).max(50) }).strict();

/** A stored local server, as `mcpServerSaveInput` parses it plus its id and remembered approvals. */
export interface McpServerConfig {
  id: string;
  name: string;
  command: string;
  /** Set for a remote server instead of `command`. */
  url: string;
  /** The names of its headers; their values are in the keychain. */
  headerNames: string[];
  args: string[];
  env: Record<string, string>;
  cwd: string;
  enabled: boolean;
  /** Tools the user chose "Always allow" for: their calls run without asking. */
  alwaysAllow: string[];
}

/** Where a server is: off, starting, ready with its tools, or failed with the end of its stderr. */
export type McpServerStatus = 'stopped' | 'starting' | 'ready' | 'failed';

/** A server as Settings → Tools shows it. */
export interface McpServerView extends McpServerConfig {
  status: McpServerStatus;
  tools: Array<{ name: string; description: string }>;
  /** Why it failed, when it did. */
  error: NagareErrorShape | null;
  /** The last lines the server wrote to stderr. */
  stderrTail: string;
}

/** How a tool call ended. */
export type ToolCallStatus = 'ok' | 'error' | 'denied' | 'cancelled';

/** What a tool call gave back, as sent to the model and kept in history. */
export interface ToolResult {
  status: ToolCallStatus;
  /** The text sent to the model as the `role: "tool"` message. */
  content: string;
  error: NagareErrorShape | null;
  durationMs: number | null;
  /** True when the output was cut to the cap. */
  truncated: boolean;
}

/** One call the model asked for, with its answer once there is one. */
export interface ToolCallRecord {
  /** The model's call id, echoed back in the tool message. */
  id: string;
  /** The function name the model used. */
  name: string;
  /** Null when no offered server has a tool of that name. */
  serverId: string | null;
  serverName: string;
  /** The arguments exactly as the model sent them (JSON text, possibly malformed). */
  arguments: string;
  result: ToolResult | null;
}

/** One round of a reply: the text the model wrote before asking, and the calls it asked for. */
export interface ToolStep {
  text: string;
  calls: ToolCallRecord[];
}

/** A tool call as the model wrote it, and as it is replayed to the model. */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of a request's `messages`: OpenAI's shape, with tool calls and tool results. */
export type ModelMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** The messages one tool round adds to a request: the assistant's calls, then each result in order. */
export function stepMessages(step: ToolStep): ModelMessage[] {
  return [
    {
      role: 'assistant',
      content: step.text,
      tool_calls: step.calls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      })),
    },
    ...step.calls.map((call): ModelMessage => ({
      role: 'tool',
      tool_call_id: call.id,
      content: call.result?.content ?? 'cancelled by the user',
    })),
  ];
}
