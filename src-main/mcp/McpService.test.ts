import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { McpServerConfig, McpServerView } from '../../src-preload/contract/tools';
import { McpService, loadMcpSdk, type OfferedTool } from './McpService';

const FIXTURE = fileURLToPath(new URL('../../e2e/fixtures/mcpToolServer.mjs', import.meta.url));
const services: McpService[] = [];

/** A service over the real fixture server, with an app environment full of keys that must not reach it. */
function serviceWith(options: { callTimeoutMs?: number; outputCapChars?: number } = {}) {
  let stored: McpServerConfig[] = [];
  const changes: McpServerView[][] = [];
  let next = 0;
  const service = new McpService({
    store: { read: () => stored, write: (servers) => (stored = servers) },
    appEnvironment: {
      PATH: process.env.PATH,
      HOME: '/home/someone',
      LANG: 'ja_JP.UTF-8',
      LC_TIME: 'ja_JP.UTF-8',
      OPENAI_API_KEY: 'sk-canary-openai',
      NAGARE_SECRET: 'canary',
      USER: 'someone',
    },
    homeDir: process.cwd(),
    loadSdk: () => loadMcpSdk({ name: 'nagare-test', version: '0' }),
    onChanged: (servers) => changes.push(servers),
    log: () => undefined,
    newId: () => `server-${++next}`,
    ...options,
  });
  services.push(service);
  return { service, changes, stored: () => stored };
}

async function readyServer(service: McpService, env: Record<string, string> = {}): Promise<McpServerView> {
  const saved = service.save({
    name: 'Test tools',
    command: process.execPath,
    args: [FIXTURE],
    env,
    cwd: '',
    enabled: true,
  });
  await service.restart(saved.id);
  const view = service.list().find((s) => s.id === saved.id)!;
  expect(view.status).toBe('ready');
  return view;
}

function toolNamed(tools: OfferedTool[], name: string): OfferedTool {
  const tool = tools.find((t) => t.toolName === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
}

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stopAll()));
});

describe('McpService', () => {
  it('starts a server with PATH, HOME, the locale and the user’s variables only', async () => {
    const { service } = serviceWith();
    const server = await readyServer(service, { TOOL_TOKEN: 'set-by-user' });
    expect(server.tools.map((t) => t.name).sort()).toEqual(['lookup', 'report_env']);
    const tools = await service.offeredTools([server.id]);
    const result = await service.call(toolNamed(tools, 'report_env'), {}, new AbortController().signal);
    expect(result.status).toBe('ok');
    const env = JSON.parse(result.content) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(['HOME', 'LANG', 'LC_TIME', 'PATH', 'TOOL_TOKEN']);
    expect(env.TOOL_TOKEN).toBe('set-by-user');
    expect(result.content).not.toContain('canary');
  });

  it('calls a tool and reports its Japanese text, and a tool error as an error result', async () => {
    const { service } = serviceWith();
    const server = await readyServer(service);
    const lookup = toolNamed(await service.offeredTools([server.id]), 'lookup');
    const ok = await service.call(lookup, { query: '川' }, new AbortController().signal);
    expect(ok).toMatchObject({ status: 'ok', error: null, truncated: false });
    expect(ok.content).toContain('Entry for 川: 流れ');
    const failed = await service.call(lookup, { query: 'x', mode: 'error' }, new AbortController().signal);
    expect(failed.status).toBe('error');
    expect(failed.error?.code).toBe('tool_error');
    expect(failed.content).toContain('No entry for x');
  });

  it('caps a long result and says it did', async () => {
    const { service } = serviceWith({ outputCapChars: 20 });
    const server = await readyServer(service);
    const result = await service.call(
      toolNamed(await service.offeredTools([server.id]), 'report_env'),
      {},
      new AbortController().signal,
    );
    expect(result.truncated).toBe(true);
    expect(result.content).toMatch(/^.{20}\n\[… \d+ more characters cut by Nagare\]$/su);
  });

  it('reports a crash mid-call as tool_crashed with the stderr tail, and restarts', async () => {
    const { service } = serviceWith();
    const server = await readyServer(service);
    const lookup = toolNamed(await service.offeredTools([server.id]), 'lookup');
    const result = await service.call(lookup, { query: 'boom', mode: 'crash' }, new AbortController().signal);
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('tool_crashed');
    const crashed = service.list()[0]!;
    expect(crashed.status).toBe('failed');
    expect(crashed.stderrTail).toContain('crashing on purpose for boom');
    await service.restart(server.id);
    expect(service.list()[0]!.status).toBe('ready');
  });

  it('gives up a call that hangs as tool_timeout, and a cancelled one as cancelled', async () => {
    const { service } = serviceWith({ callTimeoutMs: 300 });
    const server = await readyServer(service);
    const lookup = toolNamed(await service.offeredTools([server.id]), 'lookup');
    const timedOut = await service.call(lookup, { query: 'q', mode: 'hang' }, new AbortController().signal);
    expect(timedOut.error?.code).toBe('tool_timeout');
    const controller = new AbortController();
    const pending = service.call(lookup, { query: 'q', mode: 'hang' }, controller.signal);
    controller.abort();
    expect((await pending).status).toBe('cancelled');
  });

  it('shows a command that does not exist as failed to start', async () => {
    const { service } = serviceWith();
    const saved = service.save({
      name: 'Missing',
      command: 'nagare-no-such-command',
      args: [],
      env: {},
      cwd: '',
      enabled: false,
    });
    await service.setEnabled(saved.id, true);
    const view = service.list()[0]!;
    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('tool_start_failed');
    expect(view.error?.message).toContain('nagare-no-such-command');
  });

  it('remembers Always allow per server and tool, in the store', async () => {
    const { service, stored } = serviceWith();
    const saved = service.save({ name: 'A', command: 'x', args: [], env: {}, cwd: '', enabled: false });
    service.allowAlways(saved.id, 'lookup');
    expect(service.isAlwaysAllowed(saved.id, 'lookup')).toBe(true);
    expect(service.isAlwaysAllowed(saved.id, 'report_env')).toBe(false);
    expect(stored()[0]!.alwaysAllow).toEqual(['lookup']);
  });
});
