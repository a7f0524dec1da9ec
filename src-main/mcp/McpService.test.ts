import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { McpServerConfig, McpServerView, mcpServerSaveInput } from '../../src-preload/contract/tools';
import { startHttpToolServer } from '../../e2e/fixtures/mcpHttpServer';
import { McpService, headerAccount, loadMcpSdk, type OfferedTool } from './McpService';

const FIXTURE = fileURLToPath(new URL('../../e2e/fixtures/mcpToolServer.mjs', import.meta.url));
const services: McpService[] = [];

/** A service over the real fixture server, with an app environment full of keys that must not reach it. */
function serviceWith(options: { callTimeoutMs?: number; outputCapChars?: number } = {}) {
  let stored: McpServerConfig[] = [];
  const changes: McpServerView[][] = [];
  let next = 0;
  /** An in-memory keychain: what the secrets service would keep. */
  const secrets = new Map<string, string>();
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
    headerSecrets: {
      set: async (account, value) => void secrets.set(account, value),
      getKeyForRequest: async (account) => secrets.get(account) ?? null,
      clear: async (account) => void secrets.delete(account),
    },
    onChanged: (servers) => changes.push(servers),
    log: () => undefined,
    newId: () => `server-${++next}`,
    ...options,
  });
  services.push(service);
  return { service, changes, stored: () => stored, secrets };
}

/** A local server's save input with the fields a test does not care about filled in. */
function local(fields: Partial<z.input<typeof mcpServerSaveInput>> & { name: string; command: string }) {
  return { url: '', headers: {}, args: [], env: {}, cwd: '', enabled: true, ...fields };
}

async function readyServer(service: McpService, env: Record<string, string> = {}): Promise<McpServerView> {
  const saved = await service.save(
    local({
      name: 'Test tools',
      command: process.execPath,
      args: [FIXTURE],
      env,
      cwd: '',
      enabled: true,
    }),
  );
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
    const saved = await service.save(
      local({
        name: 'Missing',
        command: 'nagare-no-such-command',
        args: [],
        env: {},
        cwd: '',
        enabled: false,
      }),
    );
    await service.setEnabled(saved.id, true);
    const view = service.list()[0]!;
    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('tool_start_failed');
    expect(view.error?.message).toContain('nagare-no-such-command');
  });

  it('remembers Always allow per server and tool, in the store', async () => {
    const { service, stored } = serviceWith();
    const saved = await service.save(local({ name: 'A', command: 'x', enabled: false }));
    service.allowAlways(saved.id, 'lookup');
    expect(service.isAlwaysAllowed(saved.id, 'lookup')).toBe(true);
    expect(service.isAlwaysAllowed(saved.id, 'report_env')).toBe(false);
    expect(stored()[0]!.alwaysAllow).toEqual(['lookup']);
  });

  it('reaches a remote server over Streamable HTTP with a header whose value stays in the keychain', async () => {
    const remote = await startHttpToolServer('s3cret-token');
    try {
      const { service, stored, secrets } = serviceWith();
      const saved = await service.save({
        name: 'Remote',
        command: '',
        url: remote.url,
        headers: { Authorization: 'Bearer s3cret-token' },
        args: [],
        env: {},
        cwd: '',
        enabled: true,
      });
      await service.restart(saved.id);
      const view = service.list()[0]!;
      expect(view).toMatchObject({ status: 'ready', headerNames: ['Authorization'] });
      const echo = (await service.offeredTools([saved.id]))[0]!;
      const result = await service.call(echo, { text: '流れ' }, new AbortController().signal);
      expect(result).toMatchObject({ status: 'ok', content: 'echo: 流れ' });
      expect(remote.authorizations.every((value) => value === 'Bearer s3cret-token')).toBe(true);
      // The file and the view hold the header's name only; the value is in the keychain.
      expect(JSON.stringify(stored())).not.toContain('s3cret');
      expect(JSON.stringify(service.list())).not.toContain('s3cret');
      expect(secrets.get(headerAccount(saved.id, 'Authorization'))).toBe('Bearer s3cret-token');

      // Saved again with an empty value, the stored one is kept; removed, it leaves the keychain.
      await service.save({ ...saved, headers: { Authorization: '' }, args: [], env: {}, cwd: '' });
      expect(secrets.get(headerAccount(saved.id, 'Authorization'))).toBe('Bearer s3cret-token');
      await service.remove(saved.id);
      expect(secrets.size).toBe(0);
    } finally {
      await remote.close();
    }
  });

  it('shows a remote server that refuses its header as failed to start', async () => {
    const remote = await startHttpToolServer('right');
    try {
      const { service } = serviceWith();
      const saved = await service.save({
        ...local({ name: 'Remote', command: '' }),
        url: remote.url,
        headers: { Authorization: 'Bearer wrong' },
      });
      await service.restart(saved.id);
      expect(service.list()[0]).toMatchObject({ status: 'failed', error: { code: 'tool_start_failed' } });
    } finally {
      await remote.close();
    }
  });
});
