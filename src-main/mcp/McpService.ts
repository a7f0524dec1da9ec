/**
 * The user's MCP servers: stored, started with a minimal environment, watched, restarted,
 * turned on and off; and the one door through which a tool call reaches one of them, with a
 * timeout and an output cap. Plain Node: no electron, no IPC.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig, McpServerView, ToolResult } from '../../src-preload/contract/tools';
import { TOOL_CALL_TIMEOUT_MS, TOOL_OUTPUT_CAP_CHARS } from '../../src-preload/contract/tools';
import type { z } from 'zod';
import type { mcpServerSaveInput } from '../../src-preload/contract/tools';
import { AppError, toErrorShape } from '../common/AppError';
import type { ChildProcessParameters, ChildProcessTransport } from './ChildProcessTransport';
import { minimalEnvironment } from './minimalEnvironment';
import { ToolError } from './ToolError';
import { capOutput, resultText } from './toolResults';

/** A tool as the model is offered it, and where its calls go. */
export interface OfferedTool {
  serverId: string;
  serverName: string;
  /** The tool's own name on its server. */
  toolName: string;
  /** The name the model sees: the tool's own, or prefixed with the server when two servers share it. */
  functionName: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** What a server connection is built from. */
export interface McpSdk {
  newClient(): Client;
  newTransport(parameters: ChildProcessParameters): ChildProcessTransport;
  /** A remote server over Streamable HTTP, sending these headers with every request. */
  newHttpTransport(url: string, headers: Record<string, string>): ServerTransport;
}

/** A connection to a server: a child process (with its exit and stderr) or a remote URL (neither). */
export type ServerTransport = Transport & {
  readonly exit: ChildProcessTransport['exit'];
  readonly stderrTail: string;
};

/** The SDK's own client and Nagare's stdio transport, loaded on first use. */
export async function loadMcpSdk(clientInfo: { name: string; version: string }): Promise<McpSdk> {
  const [{ Client: SdkClient }, { ChildProcessTransport: ChildTransport }, { StreamableHTTPClientTransport }] =
    await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('./ChildProcessTransport'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
  return {
    newClient: () => new SdkClient(clientInfo),
    newTransport: (parameters) => new ChildTransport(parameters),
    newHttpTransport: (url, headers) =>
      Object.assign(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }), {
        exit: null,
        stderrTail: '',
      }),
  };
}

/** The part of the secrets service that keeps header values, by account name. */
export interface HeaderSecrets {
  set(account: string, value: string, sessionOnly: boolean): Promise<unknown>;
  getKeyForRequest(account: string): Promise<string | null>;
  clear(account: string): Promise<void>;
}

/** The keychain account of one header of one server. */
export function headerAccount(serverId: string, headerName: string): string {
  return `mcp-header:${serverId}:${headerName.toLowerCase()}`;
}

/** Where the list of servers is kept. */
export interface McpServerStore {
  read(): McpServerConfig[];
  write(servers: McpServerConfig[]): void;
}

export interface McpServiceDependencies {
  store: McpServerStore;
  /** The app's environment, to take PATH, HOME and the locale from; nothing else of it is passed on. */
  appEnvironment: Record<string, string | undefined>;
  homeDir: string;
  /**
   * Loads the SDK's client and the transport on first use: they and the SDK's schemas take
   * 0.1–0.3 s to import, which a user with no tool servers should not pay at start-up.
   */
  loadSdk: () => Promise<McpSdk>;
  /** Where remote servers' header values live: the keychain, through the secrets service. */
  headerSecrets: HeaderSecrets;
  onChanged: (servers: McpServerView[]) => void;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  newId: () => string;
  callTimeoutMs?: number;
  outputCapChars?: number;
}

interface Running {
  /** Both null until the SDK has loaded. */
  client: Client | null;
  transport: ServerTransport | null;
  view: McpServerView;
  /** Resolves once listed (or failed); callers wait on it rather than racing the start. */
  ready: Promise<void>;
  toolDefinitions?: OfferedTool[];
  /** Called once when the transport closes, to fail the calls in flight. */
  closedListeners: Array<() => void>;
}

/** See the comment at the top of this file. */
export class McpService {
  private servers: McpServerConfig[];
  private readonly running = new Map<string, Running>();
  private readonly views = new Map<string, McpServerView>();

  constructor(private readonly deps: McpServiceDependencies) {
    this.servers = deps.store.read();
  }

  /** Starts every enabled server; failures are shown on the server, never thrown. */
  startEnabled(): void {
    for (const server of this.servers) if (server.enabled) void this.start(server.id);
  }

  list(): McpServerView[] {
    return this.servers.map((server) => this.viewOf(server));
  }

  async save(input: z.output<typeof mcpServerSaveInput>): Promise<McpServerView> {
    const existing = input.id ? this.config(input.id) : null;
    const id = existing?.id ?? this.deps.newId();
    const headerNames = Object.keys(input.headers);
    // Secrets first: a server is never saved pointing at header values that are not stored.
    for (const [name, value] of Object.entries(input.headers)) {
      if (value.trim() !== '') await this.deps.headerSecrets.set(headerAccount(id, name), value, false);
      else if (!existing?.headerNames.includes(name)) {
        throw new AppError('invalid_request', `Give a value for the header ${name}.`);
      }
    }
    for (const name of existing?.headerNames ?? []) {
      if (!headerNames.includes(name)) await this.deps.headerSecrets.clear(headerAccount(id, name));
    }
    const server: McpServerConfig = {
      id,
      name: input.name.trim(),
      command: input.command.trim(),
      url: input.url.trim(),
      headerNames,
      args: input.args,
      env: input.env,
      cwd: input.cwd.trim(),
      enabled: input.enabled,
      alwaysAllow: existing?.alwaysAllow ?? [],
    };
    this.servers = existing ? this.servers.map((s) => (s.id === server.id ? server : s)) : [...this.servers, server];
    this.persist();
    // A changed command or environment only takes effect in a new process.
    void this.stop(server.id)
      .then(() => {
        // Removed or turned off meanwhile: nothing to start.
        const current = this.servers.find((s) => s.id === server.id);
        return current?.enabled ? this.start(server.id) : undefined;
      })
      .catch((error: unknown) => this.deps.log('warn', 'Could not restart a tool server', { error }));
    return this.viewOf(server);
  }

  async remove(serverId: string): Promise<void> {
    const server = this.config(serverId);
    for (const name of server.headerNames) await this.deps.headerSecrets.clear(headerAccount(serverId, name));
    this.servers = this.servers.filter((s) => s.id !== serverId);
    this.persist();
    await this.stop(serverId);
    this.views.delete(serverId);
    this.changed();
  }

  async setEnabled(serverId: string, enabled: boolean): Promise<void> {
    this.update(serverId, { enabled });
    if (enabled) await this.start(serverId);
    else await this.stop(serverId);
  }

  async restart(serverId: string): Promise<void> {
    this.config(serverId);
    await this.stop(serverId);
    await this.start(serverId);
  }

  /** Remembers "Always allow" for one tool of one server. */
  allowAlways(serverId: string, toolName: string): void {
    const server = this.config(serverId);
    if (!server.alwaysAllow.includes(toolName))
      this.update(serverId, { alwaysAllow: [...server.alwaysAllow, toolName] });
  }

  isAlwaysAllowed(serverId: string, toolName: string): boolean {
    return this.servers.find((s) => s.id === serverId)?.alwaysAllow.includes(toolName) ?? false;
  }

  /**
   * The tools of these servers, as offered to the model. Waits for servers still starting;
   * a server that is off or failed offers nothing. Names shared by two servers are prefixed.
   */
  async offeredTools(serverIds: readonly string[]): Promise<OfferedTool[]> {
    const tools: OfferedTool[] = [];
    for (const serverId of serverIds) {
      const running = this.running.get(serverId);
      if (!running) continue;
      await running.ready;
      if (running.view.status !== 'ready') continue;
      for (const tool of running.toolDefinitions ?? []) tools.push({ ...tool });
    }
    const counts = new Map<string, number>();
    for (const tool of tools) counts.set(tool.toolName, (counts.get(tool.toolName) ?? 0) + 1);
    for (const tool of tools) {
      if ((counts.get(tool.toolName) ?? 0) > 1) {
        tool.functionName = `${slug(tool.serverName)}_${tool.toolName}`.slice(0, 64);
      }
    }
    return tools;
  }

  /**
   * Runs one tool call: arguments already parsed, a timeout, output capped. Never throws:
   * every failure becomes an `error` result with a typed error the user sees on the call.
   */
  async call(tool: OfferedTool, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> {
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    try {
      const running = this.running.get(tool.serverId);
      if (!running?.client || !running.transport || running.view.status !== 'ready') {
        throw new ToolError('tool_start_failed', `The server ${tool.serverName} is not running.`);
      }
      const answer = await this.callOn(running, tool, args, signal);
      const { text, truncated } = capOutput(resultText(answer), this.deps.outputCapChars ?? TOOL_OUTPUT_CAP_CHARS);
      const isError = answer.isError === true;
      return {
        status: isError ? 'error' : 'ok',
        content: text,
        error: isError ? new ToolError('tool_error', firstLine(text) || 'The tool reported an error.').toShape() : null,
        durationMs: elapsed(),
        truncated,
      };
    } catch (error) {
      if (signal.aborted) {
        return {
          status: 'cancelled',
          content: 'cancelled by the user',
          error: null,
          durationMs: elapsed(),
          truncated: false,
        };
      }
      const shape = toErrorShape(error);
      return {
        status: 'error',
        content: `Error: ${shape.message}`,
        error: shape,
        durationMs: elapsed(),
        truncated: false,
      };
    }
  }

  /** Stops every server, for quit. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  private async callOn(
    running: Running,
    tool: OfferedTool,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ content?: unknown; isError?: unknown; structuredContent?: unknown }> {
    // `call` checked both are there: the server is ready.
    const client = running.client!;
    const transport = running.transport!;
    const timeoutMs = this.deps.callTimeoutMs ?? TOOL_CALL_TIMEOUT_MS;
    // The SDK rejects when the transport closes; whether that was a crash is told by the exit.
    const closed = new Promise<never>((_, reject) => {
      running.closedListeners.push(() =>
        reject(
          new ToolError(
            'tool_crashed',
            `The server ${tool.serverName} stopped during the call${exitText(transport.exit)}.`,
          ),
        ),
      );
    });
    try {
      return (await Promise.race([
        client.callTool({ name: tool.toolName, arguments: args }, undefined, { signal, timeout: timeoutMs }),
        closed,
      ])) as { content?: unknown; isError?: unknown };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (transport.exit) {
        throw new ToolError(
          'tool_crashed',
          `The server ${tool.serverName} stopped during the call${exitText(transport.exit)}.`,
          { cause: error },
        );
      }
      const message = (error as Error).message ?? '';
      if (/timed out|RequestTimeout|-32001/i.test(message) || (error as { code?: unknown }).code === -32001) {
        throw new ToolError(
          'tool_timeout',
          `${tool.toolName} gave no answer within ${Math.round(timeoutMs / 1000)} s.`,
          { cause: error },
        );
      }
      if (/invalid|parse|schema/i.test(message)) {
        throw new ToolError('tool_malformed', `The server ${tool.serverName} answered with malformed content.`, {
          cause: error,
        });
      }
      throw new ToolError('tool_error', `${tool.toolName} failed: ${firstLine(message)}`, { cause: error });
    }
  }

  private async start(serverId: string): Promise<void> {
    const server = this.config(serverId);
    const already = this.running.get(serverId);
    if (already) return already.ready;
    const view: McpServerView = { ...server, status: 'starting', tools: [], error: null, stderrTail: '' };
    const running: Running = { client: null, transport: null, view, ready: Promise.resolve(), closedListeners: [] };
    this.running.set(serverId, running);
    this.views.set(serverId, view);
    this.changed();
    running.ready = (async () => {
      const sdk = await this.deps.loadSdk();
      const headers: Record<string, string> = {};
      for (const name of server.headerNames) {
        headers[name] = (await this.deps.headerSecrets.getKeyForRequest(headerAccount(serverId, name))) ?? '';
      }
      // Stopped while the SDK loaded: nothing to start.
      if (this.running.get(serverId) !== running) return;
      const transport: ServerTransport = server.url
        ? sdk.newHttpTransport(server.url, headers)
        : sdk.newTransport({
            command: server.command,
            args: server.args,
            env: minimalEnvironment(this.deps.appEnvironment, server.env),
            cwd: server.cwd || this.deps.homeDir,
          });
      const client = sdk.newClient();
      running.transport = transport;
      running.client = client;
      transport.onclose = () => this.onClosed(serverId, running, transport);
      try {
        await client.connect(transport);
        const listed = await client.listTools(undefined, { timeout: this.deps.callTimeoutMs ?? TOOL_CALL_TIMEOUT_MS });
        running.toolDefinitions = listed.tools.map((tool) => ({
          serverId,
          serverName: server.name,
          toolName: tool.name,
          functionName: tool.name,
          description: tool.description ?? '',
          inputSchema: (tool.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
        }));
        view.status = 'ready';
        view.tools = listed.tools.map((tool) => ({ name: tool.name, description: tool.description ?? '' }));
      } catch (error) {
        view.status = 'failed';
        view.error = new ToolError('tool_start_failed', startFailure(server, error, transport)).toShape();
        view.stderrTail = transport.stderrTail;
        this.deps.log('warn', 'An MCP server did not start', { server: server.name });
        void transport.close();
      }
      this.changed();
    })();
    await running.ready;
  }

  /** A server's process ended: calls in flight fail, and an unexpected end shows as failed. */
  private onClosed(serverId: string, running: Running, transport: ServerTransport): void {
    for (const listener of running.closedListeners.splice(0)) listener();
    if (this.running.get(serverId) !== running) return;
    this.running.delete(serverId);
    const { view } = running;
    if (view.status === 'ready' || view.status === 'starting') {
      view.status = 'failed';
      view.error = new ToolError('tool_crashed', `The server stopped${exitText(transport.exit)}.`).toShape();
    }
    view.stderrTail = transport.stderrTail;
    this.changed();
  }

  private async stop(serverId: string): Promise<void> {
    const running = this.running.get(serverId);
    this.running.delete(serverId);
    const view = this.views.get(serverId);
    if (view) {
      view.status = 'stopped';
      view.error = null;
    }
    if (running) {
      await running.client?.close().catch(() => undefined);
      await running.transport?.close();
    }
    this.changed();
  }

  private viewOf(server: McpServerConfig): McpServerView {
    const view = this.views.get(server.id);
    return {
      ...structuredClone(server),
      status: view?.status ?? 'stopped',
      tools: view?.tools ?? [],
      error: view?.error ?? null,
      stderrTail: view?.stderrTail ?? '',
    };
  }

  private config(serverId: string): McpServerConfig {
    const server = this.servers.find((s) => s.id === serverId);
    if (!server) throw new AppError('missing', 'That tool server no longer exists.');
    return server;
  }

  private update(serverId: string, patch: Partial<McpServerConfig>): void {
    this.config(serverId);
    this.servers = this.servers.map((s) => (s.id === serverId ? { ...s, ...patch } : s));
    this.persist();
    this.changed();
  }

  private persist(): void {
    this.deps.store.write(this.servers);
  }

  private changed(): void {
    this.deps.onChanged(this.list());
  }
}

function startFailure(server: McpServerConfig, error: unknown, transport: ServerTransport): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return `Could not find the command “${server.command}”.`;
  if (code === 'EACCES') return `The command “${server.command}” cannot be run (permission denied).`;
  if (transport.exit) return `The server stopped while starting${exitText(transport.exit)}.`;
  return `The server did not start: ${firstLine((error as Error).message ?? String(error))}`;
}

function exitText(exit: ChildProcessTransport['exit']): string {
  if (!exit) return '';
  if (exit.signal) return ` (signal ${exit.signal})`;
  return exit.code === null ? '' : ` (exit code ${exit.code})`;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

/** A server name as a function-name prefix: letters, digits, `_` and `-` only. */
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'server';
}
