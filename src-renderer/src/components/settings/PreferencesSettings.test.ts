// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { KEYMAP } from '../../../../src-preload/shared/keymap';
import { useProvidersStore } from '../../stores/providers';
import { useSettingsStore } from '../../stores/settings';
import AppearanceSettings from './AppearanceSettings.vue';
import DefaultsSettings from './DefaultsSettings.vue';
import ShortcutsSettings from './ShortcutsSettings.vue';
import { byTestId, providerView, useSettingsTestHarness } from './testSupport';

const harness = useSettingsTestHarness(() => ({
  providers: [providerView({ id: 'openai' }), providerView({ id: 'groq', name: 'Groq' })],
}));
const mountLoaded = (component: typeof AppearanceSettings) =>
  harness.mount(component, () => Promise.all([useSettingsStore().load(), useProvidersStore().load()]));

describe('AppearanceSettings', () => {
  it('checks the saved theme and language and saves a new choice', async () => {
    harness.fake.state.settings = { ...harness.fake.state.settings, theme: 'light', language: 'ja' };
    const view = await mountLoaded(AppearanceSettings);
    expect((byTestId(view, 'theme-light').element as HTMLInputElement).checked).toBe(true);
    expect((byTestId(view, 'language-ja').element as HTMLInputElement).checked).toBe(true);
    // Each radio is named by its label; a language is named in that language.
    const japanese = view.find(`label[for="${byTestId(view, 'language-ja').attributes('id')}"]`);
    expect(japanese.text()).toBe('日本語');
    expect(japanese.find('[lang="ja"]').exists()).toBe(true);

    await byTestId(view, 'theme-dark').setValue(true);
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ theme: 'dark' });
    expect(useSettingsStore().theme).toBe('dark');

    await byTestId(view, 'language-en').setValue(true);
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ language: 'en' });
    expect(useSettingsStore().locale).toBe('en');
  });
});

describe('DefaultsSettings', () => {
  it('saves the default provider, or none', async () => {
    const view = await mountLoaded(DefaultsSettings);
    const select = byTestId(view, 'default-provider');
    expect(select.findAll('option').map((option) => option.text())).toEqual([
      'First provider that is ready',
      'OpenAI',
      'Groq',
    ]);
    await select.setValue('groq');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ defaultProviderId: 'groq' });
    await select.setValue('');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ defaultProviderId: null });
  });

  it('saves parameters, leaves empty ones to the provider, and rejects out-of-range values', async () => {
    const view = await mountLoaded(DefaultsSettings);
    const temperature = byTestId(view, 'default-temperature');
    expect(temperature.attributes()).toMatchObject({ min: '0', max: '2', step: '0.1' });

    await temperature.setValue('0.7');
    await temperature.trigger('change');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ defaultParameters: { temperature: 0.7 } });

    await byTestId(view, 'default-max-tokens').setValue('2048');
    await byTestId(view, 'default-max-tokens').trigger('change');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({
      defaultParameters: { temperature: 0.7, maxTokens: 2048 },
    });

    await temperature.setValue('');
    await temperature.trigger('change');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ defaultParameters: { maxTokens: 2048 } });

    const calls = harness.fake.api.settings.update.mock.calls.length;
    await temperature.setValue('3');
    await temperature.trigger('change');
    await flushPromises();
    expect(harness.fake.api.settings.update.mock.calls.length).toBe(calls);
    expect(temperature.attributes('aria-invalid')).toBe('true');
    expect(view.text()).toContain('Enter a number from 0 to 2, or leave it empty.');
  });

  it('saves the idle timeout and refuses values main would reject', async () => {
    const view = await mountLoaded(DefaultsSettings);
    const idle = byTestId(view, 'default-idle-timeout');
    expect((idle.element as HTMLInputElement).value).toBe('60');
    await idle.setValue('2');
    await idle.trigger('change');
    await flushPromises();
    expect(harness.fake.api.settings.update).not.toHaveBeenCalled();
    await idle.setValue('120');
    await idle.trigger('change');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ idleTimeoutSeconds: 120 });
  });
});

describe('ShortcutsSettings', () => {
  it('lists every in-window shortcut in the platform notation', async () => {
    const view = await mountLoaded(ShortcutsSettings);
    const rows = view.findAll('tbody tr');
    expect(rows).toHaveLength(KEYMAP.filter((entry) => !entry.system).length);
    // The fake reports macOS: Cmd+N is shown as ⌘N.
    expect(byTestId(view, 'shortcut-conversation.new').find('kbd').text()).toBe('⌘N');
    expect(byTestId(view, 'shortcut-app.quickAsk').exists()).toBe(false);
    expect(view.findAll('caption').map((caption) => caption.text())).toEqual(
      expect.arrayContaining(['Chat', 'Navigation', 'Conversations', 'App']),
    );
  });

  it('uses the other notation off macOS', async () => {
    harness.fake.state.info = { ...harness.fake.state.info, platform: 'win32' };
    const view = await mountLoaded(ShortcutsSettings);
    expect(byTestId(view, 'shortcut-conversation.new').find('kbd').text()).toBe('Ctrl+N');
  });

  it('saves the quick-ask shortcut and turns it off', async () => {
    const view = await mountLoaded(ShortcutsSettings);
    const field = byTestId(view, 'quick-ask-shortcut');
    expect(view.find(`label[for="${field.attributes('id')}"]`).text()).toBe('Quick-ask shortcut');
    expect(view.find(`[id="${field.attributes('aria-describedby')}"]`).text()).toContain('Works system-wide');
    await byTestId(view, 'quick-ask-shortcut').setValue('CommandOrControl+Shift+Space');
    await byTestId(view, 'quick-ask-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({
      quickAskShortcut: 'CommandOrControl+Shift+Space',
    });

    await byTestId(view, 'quick-ask-clear').trigger('click');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenLastCalledWith({ quickAskShortcut: '' });
    expect((byTestId(view, 'quick-ask-shortcut').element as HTMLInputElement).value).toBe('');
  });

  it('says why a shortcut was refused, and that the next one was saved', async () => {
    const view = await mountLoaded(ShortcutsSettings);
    harness.fake.api.settings.update.mockReturnValueOnce(
      harness.fake.fail({ code: 'invalid_request', message: 'quickAskShortcut: not an accelerator' }),
    );
    await byTestId(view, 'quick-ask-shortcut').setValue('Ctrl+Q');
    await byTestId(view, 'quick-ask-save').trigger('submit');
    await flushPromises();
    expect(byTestId(view, 'quick-ask-error').attributes('role')).toBe('alert');
    expect(byTestId(view, 'quick-ask-error').text()).toMatch(/^This cannot be done\./);
    expect(byTestId(view, 'quick-ask-notice').exists()).toBe(false);

    await byTestId(view, 'quick-ask-shortcut').setValue('Ctrl+Shift+Q');
    await byTestId(view, 'quick-ask-save').trigger('submit');
    await flushPromises();
    expect(byTestId(view, 'quick-ask-error').exists()).toBe(false);
    expect(byTestId(view, 'quick-ask-notice').attributes('role')).toBe('status');
    expect(byTestId(view, 'quick-ask-notice').text()).toBe('Saved.');
  });
});
