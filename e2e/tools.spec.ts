/**
 * Tools through MCP, end to end: a real stdio MCP server (e2e/fixtures/mcpToolServer.mjs, built
 * with the SDK's server side), the mock server streaming two parallel tool calls split across
 * many deltas, and the window's approval prompt and tool blocks.
 */
import type { Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpToolServer } from './fixtures/mcpHttpServer';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = 'sk-e2e-tools-0123456789abcdef';
const TOOL_SERVER = fileURLToPath(new URL('./fixtures/mcpToolServer.mjs', import.meta.url));
/** Variables of the app's own environment that must never reach a tool server. */
const APP_CANARIES = { OPENAI_API_KEY: 'sk-canary-app-env-e2e', NAGARE_E2E_CANARY: 'canary-app-env' };
/** What a server may get from the app: PATH, HOME, the locale; the rest is what the user set. */
const MINIMAL = new Set(['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ']);

const LOOKUP_AND_ENV = [
  { name: 'lookup', arguments: '{"query": "川 🌊", "mode": "ok"}', id: 'call_lookup' },
  { name: 'report_env', arguments: '{}', id: 'call_env' },
];

let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

/** A provider for the mock server and, unless told otherwise, the test tool server, on disk before start. */
function seed(options: { look?: { theme: string; language: string } } = {}): string {
  const userDataDir = seedMockProvider(mock.url);
  const settingsPath = join(userDataDir, 'settings.json');
  const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsPath, JSON.stringify({ ...settings, ...options.look }));
  writeFileSync(
    join(userDataDir, 'mcp-servers.json'),
    JSON.stringify({
      servers: [
        {
          id: 'test-tools',
          name: 'Test tools',
          command: process.execPath,
          args: [TOOL_SERVER],
          env: { TOOL_GREETING: 'こんにちは' },
          cwd: '',
          enabled: true,
          alwaysAllow: [],
        },
      ],
    }),
  );
  return userDataDir;
}

/** Ticks the server in the composer's Tools panel, as a person would, and closes the panel. */
async function offerTools(page: Page, serverName = 'Test tools'): Promise<void> {
  await page.getByTestId('tools-picker').click();
  const box = page.getByTestId(`tools-offer-${serverName}`);
  await box.check();
  await expect(box).toBeChecked();
  await page.getByTestId('tools-picker').click();
}

const lastReply = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]').last();
const call = (page: Page, tool: string) => lastReply(page).locator(`[data-testid="tool-call"][data-tool="${tool}"]`);

/** The `messages` of the latest chat request the mock server received. */
function lastRequestMessages(): Array<Record<string, unknown>> {
  const chats = mock.requests.filter((request) => request.path.endsWith('/chat/completions'));
  return (chats.at(-1)!.json as { messages: Array<Record<string, unknown>> }).messages;
}

test('add a server in Settings, offer it, approve two parallel calls, see the results and the answer stream', async ({
  launch,
}, testInfo) => {
  const userDataDir = seedMockProvider(mock.url);
  const { page } = await launch({ userDataDir, env: APP_CANARIES });
  await setKey(page, KEY);

  // Settings → Tools: add the local server by its form.
  await page.keyboard.press('Control+Comma');
  await page.getByTestId('settings-tab-tools').click();
  await page.getByTestId('tool-server-add').click();
  await page.getByTestId('tool-server-name').fill('Test tools');
  await page.getByTestId('tool-server-command').fill(process.execPath);
  await page.getByTestId('tool-server-args').fill(TOOL_SERVER);
  await page.getByTestId('tool-server-env').fill('TOOL_GREETING=こんにちは');
  await page.getByTestId('tool-server-save').click();
  const server = page.getByTestId('tool-server');
  await expect(server).toHaveAttribute('data-status', 'ready');
  await expect(server.getByTestId('tool-server-status')).toHaveText('Ready · 2 tools');
  await page.screenshot({ path: testInfo.outputPath('tools-settings-light-en.png') });
  await page.keyboard.press('Escape');

  // No tools are offered until the user ticks a server.
  mock.script({ text: 'No tools here.' });
  await sendMessage(page, 'Plain question');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  expect(mock.requests.at(-1)!.json).not.toHaveProperty('tools');

  await offerTools(page);
  mock.script({ toolCalls: LOOKUP_AND_ENV, text: 'Let me look that up.' }, { text: 'The answer is **flow**.' });
  await sendMessage(page, 'What does 川 mean?');

  // Both calls wait, with their arguments as formatted JSON; Run has the keyboard.
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'asking');
  const offered = (mock.requests.at(-1)!.json as { tools: Array<{ function: { name: string } }> }).tools;
  expect(offered.map((tool) => tool.function.name).sort()).toEqual(['lookup', 'report_env']);
  await expect(call(page, 'report_env')).toHaveAttribute('data-state', 'asking');
  await expect(call(page, 'lookup').getByTestId('tool-call-arguments')).toHaveText(
    JSON.stringify({ query: '川 🌊', mode: 'ok' }, null, 2),
  );
  await expect(lastReply(page).getByTestId('tool-step')).toContainText('Let me look that up.');
  await page.screenshot({ path: testInfo.outputPath('tools-approval-light-en.png') });
  await call(page, 'lookup').getByTestId('tool-run').click();
  await call(page, 'report_env').getByTestId('tool-run').click();

  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  await expect(lastReply(page).getByTestId('message-text')).toContainText('The answer is flow.');
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'ok');
  await call(page, 'lookup').locator('summary').click();
  await expect(call(page, 'lookup').getByTestId('tool-call-result')).toContainText('Entry for 川 🌊: 流れ');

  // The child's environment: the minimal set and what the user set, never the app's keys.
  const envCall = lastRequestMessages().find((message) => message.tool_call_id === 'call_env');
  const childEnv = JSON.parse(String(envCall?.content)) as Record<string, string>;
  expect(Object.keys(childEnv).filter((name) => !MINIMAL.has(name) && !name.startsWith('LC_'))).toEqual([
    'TOOL_GREETING',
  ]);
  expect(childEnv.TOOL_GREETING).toBe('こんにちは');
  expect(JSON.stringify(childEnv)).not.toContain('canary');
  expect(JSON.stringify(childEnv)).not.toContain(KEY);

  // The second request carried the calls and both results, in the model's order.
  const messages = lastRequestMessages();
  expect(messages.slice(-3).map((message) => message.role)).toEqual(['assistant', 'tool', 'tool']);
  expect(messages.at(-3)).toMatchObject({
    content: 'Let me look that up.',
    tool_calls: LOOKUP_AND_ENV.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    })),
  });
  await page.screenshot({ path: testInfo.outputPath('tools-blocks-light-en.png') });
});

test('deny sends “denied by the user”; Always allow skips the prompt next time', async ({ launch }) => {
  const { page } = await launch({ userDataDir: seed() });
  await setKey(page, KEY);
  await offerTools(page);

  mock.script({ toolCalls: [LOOKUP_AND_ENV[0]!] }, { text: 'Understood, I will not look.' });
  await sendMessage(page, 'Look up 川');
  await call(page, 'lookup').getByTestId('tool-deny').click();
  await expect(lastReply(page).getByTestId('message-text')).toContainText('I will not look.');
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'denied');
  expect(lastRequestMessages().at(-1)).toEqual({
    role: 'tool',
    tool_call_id: 'call_lookup',
    content: 'denied by the user',
  });

  mock.script({ toolCalls: [LOOKUP_AND_ENV[0]!] }, { text: 'Found it.' });
  await sendMessage(page, 'Now do look it up');
  await call(page, 'lookup').getByTestId('tool-always').click();
  await expect(lastReply(page).getByTestId('message-text')).toContainText('Found it.');
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'ok');

  mock.script({ toolCalls: [{ ...LOOKUP_AND_ENV[0]!, id: 'call_again' }] }, { text: 'Again.' });
  await sendMessage(page, 'And once more');
  await expect(lastReply(page).getByTestId('message-text')).toContainText('Again.');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  await expect(lastReply(page).getByTestId('tool-run')).toHaveCount(0);
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'ok');
  expect(lastRequestMessages().at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_again' });
});

test('Esc stops a call that hangs; a server that crashes mid-call gives a visible error and the conversation goes on', async ({
  launch,
}) => {
  const { page } = await launch({ userDataDir: seed() });
  await setKey(page, KEY);
  await offerTools(page);

  mock.script({ toolCalls: [{ name: 'lookup', arguments: '{"query": "slow", "mode": "hang"}', id: 'call_hang' }] });
  await sendMessage(page, 'Take your time');
  await call(page, 'lookup').getByTestId('tool-run').click();
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'running');
  await page.getByTestId('composer').focus();
  await page.keyboard.press('Escape');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'cancelled');
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'cancelled');

  mock.script(
    { toolCalls: [{ name: 'lookup', arguments: '{"query": "boom", "mode": "crash"}', id: 'call_crash' }] },
    { text: 'The tool server stopped; here is what I know anyway.' },
  );
  await sendMessage(page, 'Crash it');
  await call(page, 'lookup').getByTestId('tool-run').click();
  await expect(lastReply(page).getByTestId('message-text')).toContainText('here is what I know anyway');
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'error');
  await expect(call(page, 'lookup').getByTestId('tool-call-error')).toContainText('The tool server stopped');
  await expect(lastReply(page).getByTestId('message-text')).toContainText('here is what I know anyway');
  expect(String(lastRequestMessages().at(-1)?.content)).toContain('stopped during the call');

  // Settings shows it failed, with the end of its stderr, and Restart brings it back.
  await page.keyboard.press('Control+Comma');
  await page.getByTestId('settings-tab-tools').click();
  const server = page.getByTestId('tool-server');
  await expect(server).toHaveAttribute('data-status', 'failed');
  await server.locator('summary').click();
  await expect(server.getByTestId('tool-server-stderr')).toContainText('crashing on purpose for boom');
  await server.getByTestId('tool-server-restart').click();
  await expect(server).toHaveAttribute('data-status', 'ready');
});

test('after a restart the conversation keeps its tool blocks, and a follow-up replays the tool messages', async ({
  launch,
}) => {
  const userDataDir = seed();
  const first = await launch({ userDataDir });
  await setKey(first.page, KEY);
  await offerTools(first.page);
  mock.script({ toolCalls: LOOKUP_AND_ENV, text: 'Checking.' }, { text: 'It means flow.' });
  await sendMessage(first.page, 'What does 川 mean?');
  await call(first.page, 'lookup').getByTestId('tool-run').click();
  await call(first.page, 'report_env').getByTestId('tool-deny').click();
  await expect(lastReply(first.page)).toHaveAttribute('data-status', 'complete');
  const sentBefore = lastRequestMessages().slice(-3);
  await first.close();

  const { page } = await launch({ userDataDir });
  await page.getByTestId('conversation-item').first().click();
  await expect(call(page, 'lookup')).toHaveAttribute('data-state', 'ok');
  await expect(call(page, 'report_env')).toHaveAttribute('data-state', 'denied');
  await expect(lastReply(page).getByTestId('message-text')).toContainText('It means flow.');

  mock.script({ text: 'Yes, flow.' });
  await sendMessage(page, 'Are you sure?');
  await expect(lastReply(page).getByTestId('message-text')).toContainText('Yes, flow.');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  const replayed = lastRequestMessages();
  // …, the earlier question, the round exactly as first sent, the reply's text, the follow-up.
  expect(replayed.slice(-5, -2)).toEqual(sentBefore);
  expect(replayed.at(-2)).toEqual({ role: 'assistant', content: 'It means flow.' });
  expect(replayed.at(-1)).toEqual({ role: 'user', content: 'Are you sure?' });

  // Searchable by tool name.
  const hits = await page.evaluate(async () => {
    const found = await window.nagare.history.search({ query: 'report_env' });
    return found.ok ? found.value.length : -1;
  });
  expect(hits).toBeGreaterThan(0);
});

test('a remote server over Streamable HTTP: its header value goes to the keychain, never to a file', async ({
  launch,
}, testInfo) => {
  const remote = await startHttpToolServer('e2e-remote-token');
  try {
    const userDataDir = seedMockProvider(mock.url);
    const { page } = await launch({ userDataDir });
    await setKey(page, KEY);
    await page.keyboard.press('Control+Comma');
    await page.getByTestId('settings-tab-tools').click();
    await page.getByTestId('tool-server-add').click();
    await page.getByTestId('tool-server-remote').check();
    await page.getByTestId('tool-server-name').fill('Remote tools');
    await page.getByTestId('tool-server-url').fill(remote.url);
    await page.getByTestId('tool-server-headers').fill('Authorization: Bearer e2e-remote-token');
    await page.screenshot({ path: testInfo.outputPath('tools-remote-form-light-en.png') });
    await page.getByTestId('tool-server-save').click();
    const server = page.getByTestId('tool-server');
    await expect(server).toHaveAttribute('data-status', 'ready');
    await expect(server.getByTestId('tool-server-status')).toHaveText('Ready · 1 tool');
    expect(remote.authorizations.at(-1)).toBe('Bearer e2e-remote-token');
    const file = readFileSync(join(userDataDir, 'mcp-servers.json'), 'utf8');
    expect(file).toContain('Authorization');
    expect(file).not.toContain('e2e-remote-token');
    await expect(page.getByTestId('settings-dialog')).not.toContainText('e2e-remote-token');
    await page.keyboard.press('Escape');

    await offerTools(page, 'Remote tools');
    mock.script({ toolCalls: [{ name: 'echo', arguments: '{"text":"流れ"}', id: 'call_echo' }] }, { text: 'Echoed.' });
    await sendMessage(page, 'Echo something');
    await call(page, 'echo').getByTestId('tool-run').click();
    await expect(lastReply(page).getByTestId('message-text')).toContainText('Echoed.');
    await expect(call(page, 'echo')).toHaveAttribute('data-state', 'ok');
    expect(lastRequestMessages().at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_echo', content: 'echo: 流れ' });

    // Removing the server removes its header value from the keychain too.
    await page.keyboard.press('Control+Comma');
    await page.getByTestId('settings-tab-tools').click();
    await page.getByTestId('tool-server-remove').click();
    await expect(page.getByTestId('tool-server')).toHaveCount(0);
  } finally {
    await remote.close();
  }
});

for (const look of [
  { theme: 'dark', language: 'en' },
  { theme: 'light', language: 'ja' },
  { theme: 'dark', language: 'ja' },
] as const) {
  test(`the approval prompt, tool blocks and Settings → Tools (${look.theme}, ${look.language})`, async ({
    launch,
  }, testInfo) => {
    const { page } = await launch({ userDataDir: seed({ look }), locale: look.language === 'ja' ? 'ja-JP' : 'en-US' });
    await setKey(page, KEY);
    await offerTools(page);
    mock.script({ toolCalls: LOOKUP_AND_ENV, text: '調べます。' }, { text: '「川」は **flow** の意味です。' });
    await sendMessage(page, '川の意味は？');
    await expect(call(page, 'report_env')).toHaveAttribute('data-state', 'asking');
    await page.screenshot({ path: testInfo.outputPath(`tools-approval-${look.theme}-${look.language}.png`) });
    await call(page, 'lookup').getByTestId('tool-run').click();
    await call(page, 'report_env').getByTestId('tool-deny').click();
    await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
    await call(page, 'lookup').locator('summary').click();
    await page.screenshot({ path: testInfo.outputPath(`tools-blocks-${look.theme}-${look.language}.png`) });
    await page.keyboard.press('Control+Comma');
    await page.getByTestId('settings-tab-tools').click();
    await expect(page.getByTestId('tool-server')).toHaveAttribute('data-status', 'ready');
    await page.screenshot({ path: testInfo.outputPath(`tools-settings-${look.theme}-${look.language}.png`) });
  });
}
