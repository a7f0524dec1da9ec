// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { RawStreamEntry, StreamLog } from '../../../../src-preload/contract';
import { packStreamLog } from '../../../../src-preload/contract/packedStreamLog';
import en from '../../i18n/inspector.en.json';
import { installFakeNagare, ok } from '../../testing/fakeNagare';
import InspectorPanel from './InspectorPanel.vue';

const chunk = (at: number, delta: Record<string, unknown>): RawStreamEntry => ({
  at,
  type: 'event',
  event: '',
  id: '',
  data: JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta }] }),
});

/** A reasoning model's reply: 9 events and one keep-alive comment. */
function sampleLog(): StreamLog {
  return {
    request: {
      providerName: 'DeepSeek',
      url: 'https://api.deepseek.com/v1/chat/completions',
      model: 'deepseek-reasoner',
      parameters: { temperature: 0.2 },
      messageCount: 3,
      body: JSON.stringify({
        model: 'deepseek-reasoner',
        messages: [{ role: 'user', content: "What's up?" }],
        stream: true,
      }),
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    },
    response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
    metrics: { timeToFirstByteMs: 90, timeToFirstTokenMs: 120, durationMs: 700, tokens: 6, tokensPerSecond: 10.3 },
    entries: [
      chunk(100, { role: 'assistant', content: null }),
      { at: 110, type: 'comment', event: '', id: '', data: 'keep-alive' },
      chunk(120, { reasoning_content: 'Think' }),
      chunk(150, { reasoning_content: 'ing…' }),
      chunk(300, { content: 'Hello' }),
      chunk(320, { content: ', ' }),
      chunk(340, { content: 'world' }),
      chunk(360, { content: '!' }),
      {
        at: 650,
        type: 'event',
        event: '',
        id: '',
        data: JSON.stringify({ choices: [], usage: { completion_tokens: 6, total_tokens: 20 } }),
      },
      { at: 700, type: 'event', event: '', id: '', data: '[DONE]' },
    ],
    truncated: false,
    keyEnvVar: 'OPENAI_API_KEY',
  };
}

function installBridge(log: StreamLog | null, opened: StreamLog | null = null) {
  const calls = { log: [] as unknown[], save: [] as unknown[], open: 0 };
  installFakeNagare({
    inspector: {
      log: (input) => {
        calls.log.push(input);
        return ok(log && packStreamLog(log));
      },
      saveStream: (input) => {
        calls.save.push(input);
        return ok({ savedTo: '/tmp/reply.sse' });
      },
      openStream: () => {
        calls.open++;
        return ok(opened && packStreamLog(opened));
      },
    },
  });
  return calls;
}

function mountPanel(props: { messageId: string | null; live?: boolean }) {
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { inspector: en } } });
  return mount(InspectorPanel, { props, global: { plugins: [i18n] }, attachTo: document.body });
}

const writeText = vi.fn<(text: string) => Promise<void>>();

/** happy-dom lays nothing out: the timeline's scroller and rows get the heights Chromium gives them. */
const TIMELINE_HEIGHT = 600;
const ROW_HEIGHT = 55;
const clientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!;
const offsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight')!;

beforeEach(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'inspector-timeline' ? TIMELINE_HEIGHT : (clientHeight.get!.call(this) as number);
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'inspector-timeline-row' ? ROW_HEIGHT : (offsetHeight.get!.call(this) as number);
    },
  });
  setActivePinia(createPinia());
  writeText.mockReset().mockResolvedValue(undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

afterEach(() => {
  document.body.innerHTML = '';
  Reflect.deleteProperty(HTMLElement.prototype, 'clientHeight');
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', offsetHeight);
});

describe('InspectorPanel', () => {
  it('shows the events, the merged content, and the reasoning when the path changes', async () => {
    const calls = installBridge(sampleLog());
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();

    expect(calls.log).toEqual([{ messageId: 'm1' }]);
    expect(wrapper.get('[data-testid="inspector-panel"]').attributes('aria-label')).toBe('Stream inspector');
    expect(wrapper.get('[data-testid="inspector-event-count"]').text()).toBe('9');
    expect(wrapper.findAll('[data-testid="inspector-timeline-row"]')).toHaveLength(10);
    expect(wrapper.find('[data-kind="keepAlive"]').exists()).toBe(true);

    const path = wrapper.get<HTMLInputElement>('[data-testid="inspector-path"]');
    expect(path.element.value).toBe('choices[0].delta.content');
    expect(wrapper.get('[data-testid="inspector-merged"]').text()).toBe('Hello, world!');
    expect(wrapper.get('[data-testid="inspector-merge-counts"]').text()).toContain('4 events used');

    await wrapper.get('[data-testid="inspector-preset-reasoning"]').trigger('click');
    expect(path.element.value).toBe('choices[0].delta.reasoning_content');
    expect(wrapper.get('[data-testid="inspector-merged"]').text()).toBe('Thinking…');

    await path.setValue('usage.total_tokens');
    expect(wrapper.get('[data-testid="inspector-merged"]').text()).toBe('20');
    wrapper.unmount();
  });

  it("shows the request's and the response's facts and headers, the figures in order, and which preset is on", async () => {
    const log = sampleLog();
    log.response.status = null;
    installBridge(log);
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();

    const pairs = (list: { findAll: (selector: string) => Array<{ text: () => string }> }) => {
      const names = list.findAll('dt').map((term) => term.text());
      const values = list.findAll('dd').map((value) => value.text());
      return names.map((name, index) => `${name}: ${values[index]}`);
    };
    const [request, response] = wrapper.findAll('.columns > section');
    expect(request!.get('h3').text()).toBe('Request');
    const [requestFacts, requestHeaders] = request!.findAll('dl');
    expect(pairs(requestFacts!)).toEqual([
      'Provider: DeepSeek',
      'URL: https://api.deepseek.com/v1/chat/completions',
      'Model: deepseek-reasoner',
      'Parameters: temperature 0.2',
      'Messages: 3',
    ]);
    expect(pairs(requestHeaders!)).toEqual(['Content-Type: application/json', 'Accept: text/event-stream']);
    expect(request!.find('[data-testid="inspector-curl"]').exists()).toBe(true);
    expect(response!.get('h3').text()).toBe('Response');
    const [responseFacts, responseHeaders] = response!.findAll('dl');
    expect(pairs(responseFacts!)).toEqual(['Status: No response received']);
    expect(pairs(responseHeaders!)).toEqual(['content-type: text/event-stream']);
    expect(response!.find('[data-testid="inspector-curl"]').exists()).toBe(false);

    expect(pairs(wrapper.get('dl.figures'))).toEqual([
      'Time to first byte: 90 ms',
      'Time to first token: 120 ms',
      'Duration: 700 ms',
      'Tokens: 6',
      'Tokens per second: 10.3/s',
      'Events: 9',
      'Comments: 1',
    ]);

    const pressed = () =>
      wrapper.findAll('[aria-pressed]').map((preset) => `${preset.text()}=${preset.attributes('aria-pressed')}`);
    expect(pressed()).toEqual(['content=true', 'reasoning=false']);
    await wrapper.get('[data-testid="inspector-preset-reasoning"]').trigger('click');
    expect(pressed()).toEqual(['content=false', 'reasoning=true']);
    wrapper.unmount();
  });

  it('highlights the extracted value in each timeline row', async () => {
    installBridge(sampleLog());
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();
    const badges = wrapper.findAll('[data-testid="inspector-extracted"]').map((badge) => badge.text());
    expect(badges).toEqual([
      'Value at the extraction path: "Hello"',
      ...['", "', '"world"', '"!"'].map((v) => `Value at the extraction path: ${v}`),
    ]);
    wrapper.unmount();
  });

  it('renders only the timeline rows in view of a long log, and reads its merge on between frames', async () => {
    const long = sampleLog();
    long.entries = Array.from({ length: 10_000 }, (_, index) => chunk(index, { content: `w${index} ` }));
    installBridge(long);
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();
    const rows = wrapper.findAll('[data-testid="inspector-timeline-row"]');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.attributes('aria-setsize')).toBe('10000');
    expect(wrapper.get('[data-testid="inspector-timeline-count"]').text()).toBe('Entries: 10,000');
    await vi.waitUntil(() => !wrapper.find('[data-testid="inspector-merge-reading"]').exists(), { timeout: 10_000 });
    expect(wrapper.get('[data-testid="inspector-merged"]').text()).toMatch(/^w0 w1 .* w9999$/);
    wrapper.unmount();
  });

  it('explains an invalid path instead of merging', async () => {
    installBridge(sampleLog());
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();
    const path = wrapper.get('[data-testid="inspector-path"]');
    await path.setValue('choices[0');
    expect(wrapper.get('[data-testid="inspector-path-error"]').text()).toBe('The bracket at position 8 is not closed.');
    expect(path.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('[data-testid="inspector-merged"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows a cURL command that reads the key from the environment and copies it', async () => {
    installBridge(sampleLog());
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();

    const curl = wrapper.get('[data-testid="inspector-curl"]').text();
    expect(curl).toContain('-H "Authorization: Bearer $OPENAI_API_KEY"');
    expect(curl).toContain(`What'\\''s up?`);
    expect(document.body.innerHTML).not.toContain('sk-');

    await wrapper.get('[data-testid="inspector-copy-curl"]').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(curl);
    expect(wrapper.text()).toContain('Copied the cURL command.');
    wrapper.unmount();
  });

  it('never shows a key, even one that slipped into the logged headers', async () => {
    const leaky = sampleLog();
    leaky.request.headers = { ...leaky.request.headers, Authorization: 'Bearer sk-planted-0000' };
    leaky.response.headers = { ...leaky.response.headers, 'Set-Cookie': 'session=sk-planted-1111' };
    installBridge(leaky);
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();
    expect(wrapper.text()).toContain('Content-Type');
    expect(document.body.innerHTML).not.toContain('sk-');
    expect(document.body.innerHTML).not.toContain('planted');
    wrapper.unmount();
  });

  it('saves the raw stream of the shown reply', async () => {
    const calls = installBridge(sampleLog());
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();
    await wrapper.get('[data-testid="inspector-save"]').trigger('click');
    await flushPromises();
    expect(calls.save).toEqual([{ messageId: 'm1' }]);
    expect(wrapper.text()).toContain('Saved to /tmp/reply.sse');
    wrapper.unmount();
  });

  it('without a message offers to open a .sse file, and shows it once opened', async () => {
    const opened = sampleLog();
    opened.entries = opened.entries.slice(4);
    const calls = installBridge(null, opened);
    const wrapper = mountPanel({ messageId: null });
    await flushPromises();

    expect(calls.log).toEqual([]);
    expect(wrapper.get('[data-testid="inspector-empty"]').text()).toContain('Open a saved .sse file');
    expect(wrapper.get('[data-testid="inspector-save"]').attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="inspector-open"]').trigger('click');
    await flushPromises();
    expect(calls.open).toBe(1);
    expect(wrapper.get('[data-testid="inspector-event-count"]').text()).toBe('6');
    expect(wrapper.text()).toContain('Opened from a file');
    expect(wrapper.get('[data-testid="inspector-save"]').attributes('disabled')).toBeDefined();
    wrapper.unmount();
  });

  it('emits close from the Close button', async () => {
    installBridge(sampleLog());
    const wrapper = mountPanel({ messageId: 'm1' });
    await flushPromises();
    const close = wrapper.findAll('button').find((button) => button.text() === 'Close');
    await close!.trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
    wrapper.unmount();
  });
});
