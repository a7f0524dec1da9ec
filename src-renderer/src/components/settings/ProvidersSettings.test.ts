// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { useProvidersStore } from '../../stores/providers';
import { useSettingsStore } from '../../stores/settings';
import ProvidersSettings from './ProvidersSettings.vue';
import { byTestId, providerView, useSettingsTestHarness } from './testSupport';

const harness = useSettingsTestHarness();
const mountProviders = () =>
  harness.mount(ProvidersSettings, () => Promise.all([useProvidersStore().load(), useSettingsStore().load()]));

describe('ProvidersSettings: adding a provider', () => {
  it('saves a custom provider with the name, base URL and model that were typed', async () => {
    const view = await mountProviders();
    expect(view.findAll('[data-testid="provider-row"]')).toHaveLength(0);

    await byTestId(view, 'provider-preset').setValue('custom');
    // Custom servers start without a name or URL: the preset knows neither.
    expect((byTestId(view, 'provider-name').element as HTMLInputElement).value).toBe('');
    await byTestId(view, 'provider-name').setValue('My server');
    await byTestId(view, 'provider-base-url').setValue('http://localhost:8080/v1');
    await byTestId(view, 'provider-model').setValue('qwen-7b');
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();

    expect(harness.fake.api.providers.save).toHaveBeenCalledTimes(1);
    expect(harness.fake.api.providers.save).toHaveBeenCalledWith({
      presetId: 'custom',
      name: 'My server',
      baseUrl: 'http://localhost:8080/v1',
      defaultModel: 'qwen-7b',
    });
    const rows = view.findAll('[data-testid="provider-row"]');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text()).toContain('My server');
    // The editor closes once saved, ready for the next one.
    expect(byTestId(view, 'provider-name').exists()).toBe(false);
    // The next step is the key: focus goes there.
    expect(document.activeElement).toBe(rows[0]!.find('[data-testid="provider-key"]').element);
  });

  it('prefills the base URL and model from a preset', async () => {
    const view = await mountProviders();
    await byTestId(view, 'provider-preset').setValue('openai');
    expect((byTestId(view, 'provider-name').element as HTMLInputElement).value).toBe('OpenAI');
    expect((byTestId(view, 'provider-base-url').element as HTMLInputElement).value).toBe('https://api.openai.com/v1');
    expect((byTestId(view, 'provider-model').element as HTMLInputElement).value).toBe('gpt-4o-mini');
    const options = view.findAll('datalist option').map((option) => option.attributes('value'));
    expect(options).toEqual(['gpt-4o-mini', 'gpt-4o']);
  });

  it('refuses a custom provider without a base URL and says why', async () => {
    const view = await mountProviders();
    await byTestId(view, 'provider-preset').setValue('custom');
    await byTestId(view, 'provider-name').setValue('Nowhere');
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();

    expect(harness.fake.api.providers.save).not.toHaveBeenCalled();
    const url = byTestId(view, 'provider-base-url');
    expect(url.attributes('aria-invalid')).toBe('true');
    expect(view.text()).toContain('Enter the base URL.');
    expect(document.activeElement).toBe(url.element);
  });

  it('asks Azure for the deployment and API version and sends them', async () => {
    const view = await mountProviders();
    await byTestId(view, 'provider-preset').setValue('azure');
    expect(view.find('label[for$="-model"]').text()).toBe('Deployment name');
    await byTestId(view, 'provider-base-url').setValue('https://res.openai.azure.com');
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.providers.save).not.toHaveBeenCalled();
    expect(view.text()).toContain('Enter the deployment name.');

    await byTestId(view, 'provider-model').setValue('gpt4o-prod');
    await byTestId(view, 'provider-api-version').setValue('2024-10-21');
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.providers.save).toHaveBeenCalledWith({
      presetId: 'azure',
      name: 'Azure OpenAI',
      baseUrl: 'https://res.openai.azure.com',
      defaultModel: 'gpt4o-prod',
      apiVersion: '2024-10-21',
    });
  });

  it('shows an error from main inline', async () => {
    const view = await mountProviders();
    harness.fake.api.providers.save.mockReturnValueOnce(
      harness.fake.fail({
        code: 'invalid_request',
        message: 'baseUrl: must be an http or https URL',
        reason: 'url_invalid',
      }),
    );
    await byTestId(view, 'provider-preset').setValue('openai');
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    const alert = byTestId(view, 'provider-save-error');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.text()).toBe('This cannot be done. The base URL must be an http:// or https:// address.');
  });

  it('edits a saved provider under its own id and fetches its models', async () => {
    harness.fake.state.providers = [providerView({ id: 'openai' })];
    const view = await mountProviders();
    await byTestId(view, 'provider-edit').trigger('click');
    await byTestId(view, 'provider-fetch-models').trigger('click');
    await flushPromises();
    expect(harness.fake.api.providers.models).toHaveBeenCalledWith({ providerId: 'openai' });
    expect(view.findAll('datalist option').map((option) => option.attributes('value'))).toEqual(['model-a', 'model-b']);

    await byTestId(view, 'provider-model').setValue('model-b');
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.providers.save).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'openai', defaultModel: 'model-b' }),
    );
  });
});

describe('ProvidersSettings: the server a key is bound to', () => {
  it('warns before saving that a changed server deletes the saved key, and refreshes the key status after', async () => {
    harness.fake.state.providers = [providerView({ id: 'openai', name: 'Work' })];
    harness.fake.state.keys = { openai: { isSet: true, hint: 'WXYZ', storage: 'keychain' } };
    const view = await mountProviders();
    await byTestId(view, 'provider-edit').trigger('click');
    await byTestId(view, 'provider-base-url').setValue('https://api.openai.com/v2');
    // Same origin, another path: the key stays, nothing to warn about.
    expect(byTestId(view, 'provider-origin-warning').exists()).toBe(false);
    expect(byTestId(view, 'provider-save').text()).toBe('Save');

    await byTestId(view, 'provider-base-url').setValue('https://gateway.example:8443/v1');
    const warning = byTestId(view, 'provider-origin-warning');
    expect(warning.attributes('role')).toBe('alert');
    expect(warning.text()).toContain('from https://api.openai.com to https://gateway.example:8443');
    expect(warning.text()).toContain('The API key saved for Work will be deleted');
    expect(byTestId(view, 'provider-save').text()).toBe('Save and delete key');

    const statusReads = harness.fake.api.secrets.status.mock.calls.length;
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.providers.save).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'openai', baseUrl: 'https://gateway.example:8443/v1' }),
    );
    expect(harness.fake.api.secrets.status.mock.calls.length).toBeGreaterThan(statusReads);
  });

  it('does not warn when no key is saved', async () => {
    harness.fake.state.providers = [providerView({ id: 'openai' })];
    const view = await mountProviders();
    await byTestId(view, 'provider-edit').trigger('click');
    await byTestId(view, 'provider-base-url').setValue('https://gateway.example/v1');
    expect(byTestId(view, 'provider-origin-warning').exists()).toBe(false);
  });

  it('accepts plain http to another machine only when marked as a local-network server', async () => {
    const view = await mountProviders();
    await byTestId(view, 'provider-preset').setValue('custom');
    await byTestId(view, 'provider-name').setValue('GPU box');
    await byTestId(view, 'provider-base-url').setValue('http://127.0.0.1:8080/v1');
    expect(byTestId(view, 'provider-local-network').exists()).toBe(false);
    await byTestId(view, 'provider-base-url').setValue('http://192.168.1.20:8080/v1');
    expect(byTestId(view, 'provider-local-network-box').text()).toContain('Not encrypted');

    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.providers.save).not.toHaveBeenCalled();
    expect(view.text()).toContain('Plain http:// to another computer is not encrypted.');
    expect(document.activeElement).toBe(byTestId(view, 'provider-base-url').element);

    await byTestId(view, 'provider-local-network').setValue(true);
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.providers.save).toHaveBeenCalledWith(
      expect.objectContaining({ baseUrl: 'http://192.168.1.20:8080/v1', localNetwork: true }),
    );
    expect(byTestId(view, 'provider-not-encrypted').text()).toBe('Not encrypted');
  });

  it('refuses a user name and password in the URL', async () => {
    const view = await mountProviders();
    await byTestId(view, 'provider-preset').setValue('custom');
    await byTestId(view, 'provider-name').setValue('X');
    await byTestId(view, 'provider-base-url').setValue('https://me:secret@llm.example/v1');
    await byTestId(view, 'provider-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.providers.save).not.toHaveBeenCalled();
    expect(view.text()).toContain('Remove the user name and password from the URL.');
  });
});

describe('ProvidersSettings: keys', () => {
  beforeEach(() => {
    harness.fake.state.providers = [providerView({ id: 'openai' })];
  });

  it('hands the key to main, empties the field and shows only the last four characters', async () => {
    const view = await mountProviders();
    const input = byTestId(view, 'provider-key');
    expect(input.attributes('type')).toBe('password');
    expect(input.attributes('autocomplete')).toBe('off');
    expect(input.attributes('spellcheck')).toBe('false');
    expect(byTestId(view, 'provider-key-status').text()).toBe('No key set');

    await input.setValue('sk-test-1234567890abcd');
    await byTestId(view, 'provider-key-save').trigger('submit');
    // Emptied before main has even answered.
    expect((input.element as HTMLInputElement).value).toBe('');
    await flushPromises();

    expect(harness.fake.api.secrets.set).toHaveBeenCalledWith({
      providerId: 'openai',
      key: 'sk-test-1234567890abcd',
      sessionOnly: false,
    });
    expect((input.element as HTMLInputElement).value).toBe('');
    expect(byTestId(view, 'provider-key-status').text()).toBe('Key set: •••• abcd (system keychain)');
    expect(view.html()).not.toContain('sk-test-1234567890abcd');
  });

  it('shows the verify result: checking, then the model count or the error with its code', async () => {
    harness.fake.state.keys.openai = { isSet: true, hint: 'abcd', storage: 'keychain' };
    const view = await mountProviders();
    let finish: (value: { ok: true; value: { models: number } }) => void = () => undefined;
    harness.fake.api.secrets.verify.mockReturnValueOnce(new Promise((resolve) => (finish = resolve)));

    await byTestId(view, 'provider-verify').trigger('click');
    expect(byTestId(view, 'provider-verify-result').text()).toBe('Checking…');
    finish({ ok: true, value: { models: 42 } });
    await flushPromises();
    expect(byTestId(view, 'provider-verify-result').text()).toBe('✓ 42 models');

    harness.fake.api.secrets.verify.mockReturnValueOnce(
      harness.fake.fail({
        code: 'auth',
        message: 'The key was refused.',
        status: 401,
        serverMessage: 'Incorrect API key',
      }),
    );
    await byTestId(view, 'provider-verify').trigger('click');
    await flushPromises();
    expect(byTestId(view, 'provider-verify-result').text()).toBe(
      '✗ The provider did not accept the API key (HTTP 401). Check the key in Settings → Providers. The server said: “Incorrect API key”',
    );
  });

  it('removes the key', async () => {
    harness.fake.state.keys.openai = { isSet: true, hint: 'abcd', storage: 'keychain' };
    const view = await mountProviders();
    await byTestId(view, 'provider-key-remove').trigger('click');
    await flushPromises();
    expect(harness.fake.api.secrets.clear).toHaveBeenCalledWith({ providerId: 'openai' });
    expect(byTestId(view, 'provider-key-status').text()).toBe('No key set');
    expect(byTestId(view, 'provider-key-remove').exists()).toBe(false);
  });

  it('when the keychain is unavailable: shows why, and stores for the session only when the user says so', async () => {
    harness.fake.state.keychain = {
      available: false,
      problem: { code: 'keychain_unavailable', message: 'English for the log.', reason: 'keychain_no_provider' },
    };
    const view = await mountProviders();
    const problem = byTestId(view, 'keychain-problem');
    // Said from the reason, with this platform's fix; main's English is for the log.
    expect(problem.text()).toContain('No Secret Service (GNOME Keyring or KWallet) is running.');
    // The harness runs as macOS.
    expect(problem.text()).toContain('Open Keychain Access and unlock the login keychain');
    expect(problem.text()).not.toContain('English for the log.');
    const sessionOnly = byTestId(view, 'provider-session-only');
    expect(sessionOnly.exists()).toBe(true);
    expect((sessionOnly.element as HTMLInputElement).checked).toBe(false);

    // Not ticked: no silent fallback, the keychain's error is shown.
    await byTestId(view, 'provider-key').setValue('sk-first-attempt-0000');
    await byTestId(view, 'provider-key-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.secrets.set).toHaveBeenLastCalledWith(expect.objectContaining({ sessionOnly: false }));
    const error = byTestId(view, 'provider-key-error');
    expect(error.attributes('role')).toBe('alert');
    expect(error.text()).toContain('The system keychain is unavailable.');
    expect(error.text()).not.toContain('keychain_unavailable');
    expect(byTestId(view, 'provider-key-status').text()).toBe('No key set');

    await sessionOnly.setValue(true);
    await byTestId(view, 'provider-key').setValue('sk-session-key-9999');
    await byTestId(view, 'provider-key-save').trigger('submit');
    await flushPromises();
    expect(harness.fake.api.secrets.set).toHaveBeenLastCalledWith({
      providerId: 'openai',
      key: 'sk-session-key-9999',
      sessionOnly: true,
    });
    expect(byTestId(view, 'provider-key-status').text()).toBe('Key set: •••• 9999 (this session only)');
  });

  it('never offers session-only storage while the keychain works', async () => {
    const view = await mountProviders();
    expect(byTestId(view, 'keychain-problem').exists()).toBe(false);
    expect(byTestId(view, 'provider-session-only').exists()).toBe(false);
  });

  it('shows "No key needed" for a local provider instead of a key field', async () => {
    harness.fake.state.providers = [
      providerView({
        id: 'ollama',
        presetId: 'ollama',
        name: 'Ollama',
        authStyle: 'none',
        isLocal: true,
        needsKey: false,
      }),
    ];
    const view = await mountProviders();
    expect(byTestId(view, 'provider-key').exists()).toBe(false);
    expect(byTestId(view, 'provider-no-key').text()).toBe('No key needed');
  });
});

describe('ProvidersSettings: default and removal', () => {
  beforeEach(() => {
    harness.fake.state.providers = [providerView({ id: 'openai' }), providerView({ id: 'groq', name: 'Groq' })];
  });

  it('makes a provider the default', async () => {
    const view = await mountProviders();
    const groq = view.findAll('[data-testid="provider-row"]')[1]!;
    await groq.find('[data-testid="provider-make-default"]').trigger('click');
    await flushPromises();
    expect(harness.fake.api.settings.update).toHaveBeenCalledWith({ defaultProviderId: 'groq' });
    expect(groq.find('[data-testid="provider-default-badge"]').exists()).toBe(true);
    expect(groq.find('[data-testid="provider-make-default"]').exists()).toBe(false);
  });

  it('removes a provider only after the confirm step', async () => {
    const view = await mountProviders();
    const first = () => view.findAll('[data-testid="provider-row"]')[0]!;
    await first().find('[data-testid="provider-remove"]').trigger('click');
    await flushPromises();
    expect(harness.fake.api.providers.remove).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(first().find('[data-testid="provider-remove-cancel"]').element);

    await first().find('[data-testid="provider-remove-cancel"]').trigger('click');
    expect(first().find('[data-testid="provider-remove-confirm"]').exists()).toBe(false);

    await first().find('[data-testid="provider-remove"]').trigger('click');
    await first().find('[data-testid="provider-remove-confirm"]').trigger('click');
    await flushPromises();
    expect(harness.fake.api.providers.remove).toHaveBeenCalledWith({ providerId: 'openai' });
    const rows = view.findAll('[data-testid="provider-row"]');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text()).toContain('Groq');
  });
});
