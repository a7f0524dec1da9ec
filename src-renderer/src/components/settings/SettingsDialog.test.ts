// @vitest-environment happy-dom
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { useUiStore } from '../../stores/ui';
import SettingsDialog from './SettingsDialog.vue';
import { useSettingsTestHarness } from './testSupport';

const harness = useSettingsTestHarness();
const mountDialog = () => harness.mount(SettingsDialog);

const tab = (view: VueWrapper, id: string) => view.find(`[data-testid="settings-tab-${id}"]`);
const selectedTab = (view: VueWrapper) => view.find('[role="tab"][aria-selected="true"]');

describe('SettingsDialog', () => {
  it('is a labelled dialog that loads what it shows and starts on the tab the store asks for', async () => {
    const view = await mountDialog();
    const dialog = view.find('[data-testid="settings-dialog"]');
    expect(dialog.attributes('role')).toBe('dialog');
    expect(dialog.attributes('aria-label')).toBe('Settings');
    expect(harness.fake.api.providers.list).toHaveBeenCalled();
    expect(harness.fake.api.settings.get).toHaveBeenCalled();
    expect(selectedTab(view).attributes('data-testid')).toBe('settings-tab-providers');
    expect(view.find('[data-testid="settings-panel-providers"]').attributes('hidden')).toBeUndefined();
    expect(view.find('[data-testid="settings-panel-data"]').attributes('hidden')).toBeDefined();
    // The selected tab, not the close button, gets focus on open.
    expect(document.activeElement).toBe(tab(view, 'providers').element);
  });

  it('moves between tabs with the arrow keys, Home and End, selecting as focus moves', async () => {
    const view = await mountDialog();
    const ui = useUiStore();

    await tab(view, 'providers').trigger('keydown', { key: 'ArrowDown' });
    await flushPromises();
    expect(ui.settingsTab).toBe('defaults');
    expect(document.activeElement).toBe(tab(view, 'defaults').element);
    expect(tab(view, 'defaults').attributes('aria-selected')).toBe('true');
    expect(tab(view, 'defaults').attributes('tabindex')).toBe('0');
    expect(tab(view, 'providers').attributes('tabindex')).toBe('-1');
    expect(view.find('[data-testid="settings-panel-defaults"]').attributes('hidden')).toBeUndefined();
    expect(view.find('[data-testid="settings-panel-providers"]').attributes('hidden')).toBeDefined();

    await tab(view, 'defaults').trigger('keydown', { key: 'End' });
    await flushPromises();
    expect(ui.settingsTab).toBe('data');

    // Wraps around at both ends.
    await tab(view, 'data').trigger('keydown', { key: 'ArrowDown' });
    await flushPromises();
    expect(ui.settingsTab).toBe('providers');
    await tab(view, 'providers').trigger('keydown', { key: 'ArrowUp' });
    await flushPromises();
    expect(ui.settingsTab).toBe('data');

    await tab(view, 'data').trigger('keydown', { key: 'Home' });
    await flushPromises();
    expect(ui.settingsTab).toBe('providers');
    expect(document.activeElement).toBe(tab(view, 'providers').element);
  });

  it('follows the store when another part of the app opens a given tab', async () => {
    const view = await mountDialog();
    useUiStore().openSettings('appearance');
    await flushPromises();
    expect(selectedTab(view).attributes('data-testid')).toBe('settings-tab-appearance');
    expect(view.find('[data-testid="theme-dark"]').exists()).toBe(true);
  });

  it('selects a tab on click and emits close from the close button', async () => {
    const view = await mountDialog();
    await tab(view, 'shortcuts').trigger('click');
    expect(useUiStore().settingsTab).toBe('shortcuts');
    await view.find('[data-testid="settings-close"]').trigger('click');
    expect(view.emitted('close')).toHaveLength(1);
  });

  it('connects each tab to its panel', async () => {
    const view = await mountDialog();
    for (const button of view.findAll('[role="tab"]')) {
      const panel = view.find(`#${button.attributes('aria-controls')}`);
      expect(panel.attributes('role')).toBe('tabpanel');
      expect(panel.attributes('aria-labelledby')).toBe(button.attributes('id'));
    }
    expect(view.find('[role="tablist"]').attributes('aria-orientation')).toBe('vertical');
  });
});
