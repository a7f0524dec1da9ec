/**
 * One round of tool calls in a reply: the calls the model asked for, matched to the offered
 * tools, each asked about (unless always allowed), run concurrently, and answered. Every call
 * ends with a result, whatever happens: run, denied, cancelled, or a typed error. Plain Node.
 */
import type { ToolCallRecord, ToolResult, ToolStep } from '../../src-preload/contract/tools';
import { DENIED_RESULT } from '../../src-preload/contract/tools';
import type { FunctionTool } from '../providers/requestBuilder';
import type { ToolCall } from '../streaming/chatCompletionStream';
import type { OfferedTool } from '../mcp/McpService';
import { ToolError } from '../mcp/ToolError';
import { parseArguments } from '../mcp/toolResults';
import { AppError } from '../common/AppError';

/** What the loop needs of the tool servers; `McpService` is one. */
export interface ToolsPort {
  offeredTools(serverIds: readonly string[]): Promise<OfferedTool[]>;
  call(tool: OfferedTool, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult>;
  isAlwaysAllowed(serverId: string, toolName: string): boolean;
  allowAlways(serverId: string, toolName: string): void;
}

/** The user's answer to one call; `cancelled` when the reply was stopped first. */
export type ToolDecision = 'run' | 'deny' | 'always';

/** The offered tools in OpenAI's `tools` format. */
export function functionTools(tools: readonly OfferedTool[]): FunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.functionName, description: tool.description, parameters: tool.inputSchema },
  }));
}

/**
 * A round as the model asked for it, nothing answered yet. A call without an id gets one, since
 * the tool message must name it.
 */
export function newToolStep(text: string, calls: readonly ToolCall[], offered: readonly OfferedTool[]): ToolStep {
  return {
    text,
    calls: calls.map((call, position): ToolCallRecord => {
      const tool = offered.find((t) => t.functionName === call.name);
      return {
        id: call.id || `call_${position}`,
        name: call.name,
        serverId: tool?.serverId ?? null,
        serverName: tool?.serverName ?? '',
        arguments: call.arguments,
        result: null,
      };
    }),
  };
}

/** The calls of a round that must be asked about: those of a known tool not always allowed. */
export function callsToAsk(
  step: ToolStep,
  port: Pick<ToolsPort, 'isAlwaysAllowed'>,
  offered: readonly OfferedTool[],
): string[] {
  return step.calls
    .filter((call) => {
      const tool = offered.find((t) => t.functionName === call.name);
      return tool !== undefined && !port.isAlwaysAllowed(tool.serverId, tool.toolName);
    })
    .map((call) => call.id);
}

/** What {@link runToolRound} needs besides the round itself. */
export interface ToolRoundContext {
  offered: readonly OfferedTool[];
  port: ToolsPort;
  signal: AbortSignal;
  /** Ids from {@link callsToAsk}: these wait for `ask`; the others run at once. */
  askIds: readonly string[];
  ask: (callId: string) => Promise<ToolDecision | 'cancelled'>;
  /** Called as each call gets its result, in the order they end. */
  onResult: (call: ToolCallRecord) => void;
}

/** Runs every call of the round concurrently; resolves when each has a result. */
export async function runToolRound(step: ToolStep, context: ToolRoundContext): Promise<void> {
  await Promise.all(
    step.calls.map(async (call) => {
      call.result = await resultOf(call, context);
      context.onResult(call);
    }),
  );
}

async function resultOf(call: ToolCallRecord, context: ToolRoundContext): Promise<ToolResult> {
  const tool = context.offered.find((t) => t.functionName === call.name);
  if (!tool)
    return failure(
      new ToolError('tool_unknown', `The model called ${call.name || 'a tool'}, which is not offered here.`),
    );
  let args: Record<string, unknown>;
  try {
    args = parseArguments(call.arguments);
  } catch (error) {
    return failure(error);
  }
  const decision = context.askIds.includes(call.id) ? await context.ask(call.id) : 'run';
  if (decision === 'cancelled' || context.signal.aborted) return cancelled();
  if (decision === 'deny')
    return { status: 'denied', content: DENIED_RESULT, error: null, durationMs: null, truncated: false };
  if (decision === 'always') context.port.allowAlways(tool.serverId, tool.toolName);
  return context.port.call(tool, args, context.signal);
}

function failure(error: unknown): ToolResult {
  const shape = error instanceof AppError ? error.toShape() : { code: 'tool_error' as const, message: String(error) };
  return { status: 'error', content: `Error: ${shape.message}`, error: shape, durationMs: null, truncated: false };
}

function cancelled(): ToolResult {
  return { status: 'cancelled', content: 'cancelled by the user', error: null, durationMs: null, truncated: false };
}

/** Calls waiting for the user, by stream and call id; a stopped reply answers them all `cancelled`. */
export class ToolApprovals {
  private readonly waiting = new Map<string, (decision: ToolDecision | 'cancelled') => void>();

  wait(streamId: string, callId: string, signal: AbortSignal): Promise<ToolDecision | 'cancelled'> {
    if (signal.aborted) return Promise.resolve('cancelled');
    return new Promise((resolve) => {
      const key = keyOf(streamId, callId);
      const onAbort = () => settle('cancelled');
      const settle = (decision: ToolDecision | 'cancelled') => {
        this.waiting.delete(key);
        signal.removeEventListener('abort', onAbort);
        resolve(decision);
      };
      this.waiting.set(key, settle);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answers a waiting call; a call no longer waiting (answered, stopped) is refused. */
  decide(streamId: string, callId: string, decision: ToolDecision): void {
    const settle = this.waiting.get(keyOf(streamId, callId));
    if (!settle) throw new AppError('missing', 'That tool call is no longer waiting for an answer.');
    settle(decision);
  }
}

function keyOf(streamId: string, callId: string): string {
  return `${streamId}\u0000${callId}`;
}
