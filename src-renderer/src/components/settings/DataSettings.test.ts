// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../../src-preload/contract';
import { useSettingsStore } from '../../stores/settings';
import DataSettings from './DataSettings.vue';
import { formatBytes } from './format';
import { byTestId, useSettingsTestHarness } from './testSupport';

const harness = useSettingsTestHarness(() => ({ storage: { bytes: 3 * 1024 * 1024 + 300_000, messages: 1234 } }));
const mountData = () => harness.mount(DataSettings, () => useSettingsStore().load());

/** Makes the next import run until the test finishes it with a report. */
function importStaysOpen(): (report: ImportReport) => void {
  let finish: (report: ImportReport) => void = () => undefined;
  harness.fake.api.history.import.mockReturnValueOnce(
    new Promise((resolve) => (finish = (report) => resolve({ ok: true, value: report }))),
  );
  return (report) => finish(report);
}

describe('DataSettings', () => {
  it('is a list of sections, each named by its heading', async () => {
    const view = await mountData();
    const names = view.findAll('section').map((section) => {
      const heading = view.find(`[id="${section.attributes('aria-labelledby')}"]`);
      expect(heading.element.tagName).toBe('H4');
      return heading.text();
    });
    expect(names).toEqual(['Backup', 'Export', 'Import', 'Raw stream logs', 'Where your data lives']);
  });

  it('backs up the history to the file chosen in main, says where, and reports a failure', async () => {
    const view = await mountData();
    harness.fake.api.history.backup.mockReturnValueOnce(harness.fake.ok({ savedTo: '/home/me/Nagare backup.db' }));
    await byTestId(view, 'backup-now').trigger('click');
    await flushPromises();
    expect(harness.fake.api.history.backup).toHaveBeenCalledTimes(1);
    expect(byTestId(view, 'backup-result').text()).toBe('Backed up to /home/me/Nagare backup.db');

    harness.fake.api.history.backup.mockReturnValueOnce(
      harness.fake.fail({
        code: 'storage',
        message: 'The backup could not be written: disk full',
        reason: 'disk_full',
      }),
    );
    await byTestId(view, 'backup-now').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'backup-result').exists()).toBe(false);
    expect(byTestId(view, 'backup-error').text()).toBe(
      'Could not save. The disk is full. Free some space; nothing on screen has been lost.',
    );
  });

  it('exports everything in the chosen format and says where it went', async () => {
    const view = await mountData();
    harness.fake.api.history.export.mockReturnValueOnce(harness.fake.ok({ savedTo: '/home/me/nagare.md' }));
    await byTestId(view, 'export-markdown').trigger('click');
    await flushPromises();
    expect(harness.fake.api.history.export).toHaveBeenLastCalledWith({ conversationId: null, format: 'markdown' });
    expect(byTestId(view, 'data-result').text()).toBe('Saved to /home/me/nagare.md');

    // Cancelled: nothing is claimed. JSON carries attachments inside unless the folder is chosen.
    await byTestId(view, 'export-json').trigger('click');
    await flushPromises();
    expect(harness.fake.api.history.export).toHaveBeenLastCalledWith({
      conversationId: null,
      format: 'json',
      attachments: 'embed',
    });
    expect(byTestId(view, 'data-result').exists()).toBe(false);
    await byTestId(view, 'export-attachments-folder').setValue(true);
    await byTestId(view, 'export-json').trigger('click');
    await flushPromises();
    expect(harness.fake.api.history.export).toHaveBeenLastCalledWith({
      conversationId: null,
      format: 'json',
      attachments: 'folder',
    });
  });

  it('shows progress while importing, then the report: added, already present, left out and why', async () => {
    const view = await mountData();
    const finish = importStaysOpen();
    await byTestId(view, 'import').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'transfer-progress').exists()).toBe(true);
    expect((byTestId(view, 'export-json').element as HTMLButtonElement).disabled).toBe(true);

    harness.fake.emitProgress({
      kind: 'import',
      bytes: 5 * 1024 * 1024,
      totalBytes: 20 * 1024 * 1024,
      conversations: 1234,
      totalConversations: null,
      indexing: null,
    });
    await flushPromises();
    expect(byTestId(view, 'transfer-progress-text').text()).toBe('5 MB of 20 MB read · 1,234 conversations');
    expect((view.find('progress').element as HTMLProgressElement).value).toBe(0.25);

    // Once read, the file's search rows are built: the bar starts over for them.
    harness.fake.emitProgress({
      kind: 'import',
      bytes: 20 * 1024 * 1024,
      totalBytes: 20 * 1024 * 1024,
      conversations: 1300,
      totalConversations: null,
      indexing: { done: 2500, total: 10_000 },
    });
    await flushPromises();
    expect(byTestId(view, 'transfer-progress-text').text()).toBe(
      'Indexing for search: 2,500 of 10,000 messages and titles',
    );
    expect((view.find('progress').element as HTMLProgressElement).value).toBe(0.25);

    finish({
      cancelled: false,
      conversationsAdded: 12,
      messagesAdded: 3400,
      alreadyPresent: 1,
      skipped: [
        { name: 'Trip to Kyoto', reason: 'cycle' },
        { name: '#7', reason: 'no_mapping' },
      ],
      skippedCount: 102,
    });
    await flushPromises();
    expect(byTestId(view, 'transfer-progress').exists()).toBe(false);
    expect(byTestId(view, 'import-added').text()).toBe('Imported 12 conversations with 3,400 messages.');
    expect(byTestId(view, 'import-present').text()).toBe('1 conversation was already here and was left as it is.');
    expect(byTestId(view, 'import-skipped-title').text()).toBe('102 entries were left out:');
    expect(
      byTestId(view, 'import-skipped')
        .findAll('li')
        .map((item) => item.text()),
    ).toEqual(['Trip to Kyoto — its messages loop back on themselves', '#7 — the export holds no messages for it']);
    expect(byTestId(view, 'import-report').text()).toContain('and 100 more.');
  });

  it('says when nothing new was imported, in the singular too', async () => {
    const view = await mountData();
    harness.fake.api.history.import.mockReturnValueOnce(
      harness.fake.ok({
        cancelled: false,
        conversationsAdded: 1,
        messagesAdded: 1,
        alreadyPresent: 0,
        skipped: [],
        skippedCount: 0,
      }),
    );
    await byTestId(view, 'import').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'import-added').text()).toBe('Imported 1 conversation with 1 message.');

    harness.fake.api.history.import.mockReturnValueOnce(
      harness.fake.ok({
        cancelled: false,
        conversationsAdded: 0,
        messagesAdded: 0,
        alreadyPresent: 2,
        skipped: [],
        skippedCount: 0,
      }),
    );
    await byTestId(view, 'import').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'import-added').text()).toBe('No new conversations were imported.');
    expect(byTestId(view, 'import-present').text()).toBe(
      '2 conversations were already here and were left as they are.',
    );
    expect(byTestId(view, 'import-skipped').exists()).toBe(false);
  });

  it('cancels a running import through main, and says nothing was imported', async () => {
    const view = await mountData();
    const finish = importStaysOpen();
    await byTestId(view, 'import').trigger('click');
    await flushPromises();
    await byTestId(view, 'transfer-cancel').trigger('click');
    await flushPromises();
    expect(harness.fake.api.transfer.cancel).toHaveBeenCalledTimes(1);
    expect(byTestId(view, 'transfer-cancel').text()).toBe('Cancelling…');
    finish({
      cancelled: true,
      conversationsAdded: 0,
      messagesAdded: 0,
      alreadyPresent: 0,
      skipped: [],
      skippedCount: 0,
    });
    await flushPromises();
    expect(byTestId(view, 'import-cancelled').text()).toBe('Import cancelled. Nothing was imported.');
  });

  it('shows why an import failed', async () => {
    const view = await mountData();
    harness.fake.api.history.import.mockReturnValueOnce(
      harness.fake.fail({
        code: 'import_invalid',
        message: 'This is not a Nagare or ChatGPT export.',
        reason: 'not_chatgpt',
      }),
    );
    await byTestId(view, 'import').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'import-report').exists()).toBe(false);
    const error = byTestId(view, 'data-error');
    expect(error.attributes('role')).toBe('alert');
    expect(error.text()).toBe(
      'Import failed. Nothing in this list looks like a ChatGPT conversation. Nothing was imported.',
    );
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
