// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { useSettingsStore } from '../../stores/settings';
import DataSettings from './DataSettings.vue';
import { formatBytes } from './format';
import { byTestId, useSettingsTestHarness } from './testSupport';

const harness = useSettingsTestHarness(() => ({ storage: { bytes: 3 * 1024 * 1024 + 300_000, messages: 1234 } }));
const mountData = () => harness.mount(DataSettings, () => useSettingsStore().load());

describe('DataSettings', () => {
  it('backs up the history to the file chosen in main, says where, and reports a failure', async () => {
    const view = await mountData();
    harness.fake.api.history.backup.mockReturnValueOnce(harness.fake.ok({ savedTo: '/home/me/Nagare backup.db' }));
    await byTestId(view, 'backup-now').trigger('click');
    await flushPromises();
    expect(harness.fake.api.history.backup).toHaveBeenCalledTimes(1);
    expect(byTestId(view, 'backup-result').text()).toBe('Backed up to /home/me/Nagare backup.db');

    harness.fake.api.history.backup.mockReturnValueOnce(
      harness.fake.fail({ code: 'storage', message: 'The backup could not be written: disk full' }),
    );
    await byTestId(view, 'backup-now').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'backup-result').exists()).toBe(false);
    expect(byTestId(view, 'backup-error').text()).toBe('The backup could not be written: disk full (storage)');
  });

  it('exports everything in the chosen format and says where it went', async () => {
    const view = await mountData();
    harness.fake.api.history.export.mockReturnValueOnce(harness.fake.ok({ savedTo: '/home/me/nagare.md' }));
    await byTestId(view, 'export-markdown').trigger('click');
    await flushPromises();
    expect(harness.fake.api.history.export).toHaveBeenLastCalledWith({ conversationId: null, format: 'markdown' });
    expect(byTestId(view, 'data-result').text()).toBe('Saved to /home/me/nagare.md');

    // Cancelled: nothing is claimed.
    await byTestId(view, 'export-json').trigger('click');
    await flushPromises();
    expect(harness.fake.api.history.export).toHaveBeenLastCalledWith({ conversationId: null, format: 'json' });
    expect(byTestId(view, 'data-result').exists()).toBe(false);
  });

  it('reports what an import added, or why it failed', async () => {
    const view = await mountData();
    harness.fake.api.history.import.mockReturnValueOnce(
      harness.fake.ok({ conversationsAdded: 12, messagesAdded: 3400, skippedDuplicates: 2 }) as never,
    );
    await byTestId(view, 'import').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'data-result').text()).toBe(
      'Imported 12 conversations with 3,400 messages; 2 already present were skipped.',
    );

    harness.fake.api.history.import.mockReturnValueOnce(
      harness.fake.fail({ code: 'import_invalid', message: 'This is not a Nagare or ChatGPT export.' }),
    );
    await byTestId(view, 'import').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'data-result').exists()).toBe(false);
    const error = byTestId(view, 'data-error');
    expect(error.attributes('role')).toBe('alert');
    expect(error.text()).toBe('This is not a Nagare or ChatGPT export. (import_invalid)');
  });

  it('shows the stream-log size in the current locale and deletes the logs', async () => {
    const view = await mountData();
    expect(byTestId(view, 'stream-log-size').text()).toBe('3.3 MB in 1,234 messages');

    await byTestId(view, 'stream-log-prune').trigger('click');
    await flushPromises();
    expect(harness.fake.api.inspector.prune).toHaveBeenCalledTimes(1);
    expect(byTestId(view, 'stream-log-size').text()).toBe('0 bytes in 0 messages');
    expect((byTestId(view, 'stream-log-prune').element as HTMLButtonElement).disabled).toBe(true);
  });

  it('names the data folder of this platform', async () => {
    const view = await mountData();
    expect(byTestId(view, 'data-location').text()).toContain('~/Library/Application Support/Nagare');
  });

  it('names the Windows data folder as written', async () => {
    harness.fake.state.info = { ...harness.fake.state.info, platform: 'win32' };
    const view = await mountData();
    expect(byTestId(view, 'data-location').text()).toContain('%APPDATA%\\Nagare.');
  });
});

describe('formatBytes', () => {
  it('picks the unit and follows the locale', () => {
    expect(formatBytes(512, 'en')).toBe('512 bytes');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 ** 3, 'en')).toBe('5 GB');
    expect(formatBytes(1536, 'de')).toBe('1,5 kB');
    expect(formatBytes(10, 'ja')).toBe('10 バイト');
  });
});
