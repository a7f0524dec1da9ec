import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyKeychainError, KeytarSecretStore, type KeytarApi } from './KeytarSecretStore';
import { KeychainUnavailableError } from './SecretStore';

/** keytar in memory, with switches for the ways a real keychain fails. */
class FakeKeytar implements KeytarApi {
  readonly entries = new Map<string, string>();
  failure: Error | null = null;
  hang = false;

  private async act<T>(work: () => T): Promise<T> {
    if (this.hang) return new Promise<T>(() => {});
    if (this.failure) throw this.failure;
    return work();
  }

  getPassword(service: string, account: string) {
    return this.act(() => this.entries.get(`${service}/${account}`) ?? null);
  }
  setPassword(service: string, account: string, password: string) {
    return this.act(() => void this.entries.set(`${service}/${account}`, password));
  }
  deletePassword(service: string, account: string) {
    return this.act(() => this.entries.delete(`${service}/${account}`));
  }
}

function storeOn(keytar: FakeKeytar, platform: NodeJS.Platform = 'linux') {
  return new KeytarSecretStore({
    loadKeytar: async () => keytar,
    platform,
    probeTimeoutMs: 50,
    operationTimeoutMs: 80,
  });
}

/** A promise and whether it has settled yet. */
function settled<T>(promise: Promise<T>): { promise: Promise<T>; readonly done: boolean } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  return {
    promise: tracked,
    get done() {
      return done;
    },
  };
}

describe('KeytarSecretStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('files keys under the service Nagare with the provider id as account', async () => {
    const keytar = new FakeKeytar();
    const store = storeOn(keytar);
    await store.set('openai', 'sk-abc');
    expect([...keytar.entries]).toEqual([['Nagare/openai', 'sk-abc']]);
    expect(await store.get('openai')).toBe('sk-abc');
    await store.delete('openai');
    expect(await store.get('openai')).toBeNull();
  });

  it('takes another service name from the constructor', async () => {
    const keytar = new FakeKeytar();
    await new KeytarSecretStore({ service: 'Nagare Dev', loadKeytar: async () => keytar }).set('groq', 'k');
    expect([...keytar.entries.keys()]).toEqual(['Nagare Dev/groq']);
  });

  it('turns a native module that will not load into KeychainUnavailableError, once', async () => {
    let loads = 0;
    const store = new KeytarSecretStore({
      platform: 'linux',
      loadKeytar: async () => {
        loads++;
        throw new Error('Cannot find module keytar.node');
      },
    });
    const failure = await store.get('openai').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect(failure).toMatchObject({ code: 'keychain_unavailable', reason: 'no_module' });
    await expect(store.set('openai', 'k')).rejects.toBeInstanceOf(KeychainUnavailableError);
    expect(loads).toBe(1);
    expect(await store.probe()).toEqual({
      available: false,
      problem: expect.objectContaining({ code: 'keychain_unavailable', reason: 'keychain_no_module' }),
    });
  });

  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no_session_bus'],
    ['Could not connect: No such file or directory', 'no_session_bus'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'no_provider'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'locked'],
    ['Cannot create an item in a locked collection', 'locked'],
    ['Prompt dismissed', 'locked'],
    ['User interaction is not allowed.', 'locked'],
    ['Error calling StartServiceByName for org.freedesktop.secrets: Timeout was reached', 'timeout'],
    ['A specified logon session does not exist.', 'no_provider'],
    ['Something nobody expected', 'unknown'],
  ] as const)('classifies %j as %s', (message, reason) => {
    expect(classifyKeychainError(message)).toBe(reason);
  });

  it('maps a libsecret failure to a message that names the fix on Linux', async () => {
    const keytar = new FakeKeytar();
    keytar.failure = new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    const failure = (await storeOn(keytar)
      .set('openai', 'sk-abc')
      .catch((error: unknown) => error)) as KeychainUnavailableError;
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect(failure.reason).toBe('no_session_bus');
    expect(failure.message).toContain('no D-Bus session');
    expect(failure.message).toContain('Install or unlock GNOME Keyring / KWallet');
    expect(failure.cause).toBe(keytar.failure);
  });

  it.each([
    ['darwin', 'Keychain Access'],
    ['win32', 'Credential Manager'],
    ['linux', 'GNOME Keyring / KWallet'],
  ] as const)('names the fix for %s', async (platform, fix) => {
    const keytar = new FakeKeytar();
    keytar.failure = new Error('User canceled the operation.');
    // For the log: the window composes its own sentence from the reason, with the same fix.
    expect((await storeOn(keytar, platform).probe()).problem?.message).toContain(fix);
  });

  it('gives up on a keychain that does not answer after its timeout, and not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const keytar = new FakeKeytar();
    keytar.hang = true;
    const store = storeOn(keytar);
    const probe = settled(store.probe());
    await vi.advanceTimersByTimeAsync(49);
    expect(probe.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const state = await probe.promise;
    expect(state.available).toBe(false);
    expect(state.problem).toMatchObject({ reason: 'keychain_timeout' });

    const read = settled(store.get('openai'));
    read.promise.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(79);
    expect(read.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(read.promise).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('probes by reading an account it never writes', async () => {
    const keytar = new FakeKeytar();
    const store = storeOn(keytar);
    expect(await store.probe()).toEqual({ available: true, problem: null });
    expect(keytar.entries.size).toBe(0);
  });
});
