/**
 * Run by `KeytarSecretStore.unavailable.test.ts` in a child Node process whose environment points at
 * no D-Bus session: reports, as one JSON line on stdout, what the keychain and the service do
 * there. Kept as a separate process because libsecret caches its bus connection per process.
 */
import type { KeychainState } from '../../../src-preload/contract';
import { KeytarSecretStore } from '../KeytarSecretStore';
import { SecretsService } from '../SecretsService';
import { SessionSecretStore } from '../SessionSecretStore';

/** What the child reports back to the test. */
export interface KeychainUnavailableReport {
  probe: KeychainState;
  keychainSet: { code: string | null; message: string };
  sessionSet: { isSet: boolean; storage: string | null };
  keyForRequest: string | null;
  statusKeychainAvailable: boolean;
}

const provider = 'openai';
const sessionKey = process.argv[2] ?? 'sk-session-only-key-1234';

const keychain = new KeytarSecretStore({ probeTimeoutMs: 5_000, operationTimeoutMs: 5_000 });
const service = new SecretsService({
  keychain,
  session: new SessionSecretStore(),
  providers: () => [{ id: provider, needsKey: true }],
});

const probe = await keychain.probe();
let keychainSet: KeychainUnavailableReport['keychainSet'];
try {
  await service.set(provider, 'sk-should-never-be-stored-0000', false);
  keychainSet = { code: null, message: 'stored' };
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  keychainSet = { code: code ?? null, message };
}
const sessionSet = await service.set(provider, sessionKey, true);
const report: KeychainUnavailableReport = {
  probe,
  keychainSet,
  sessionSet: { isSet: sessionSet.isSet, storage: sessionSet.storage },
  keyForRequest: await service.getKeyForRequest(provider),
  statusKeychainAvailable: (await service.status()).keychain.available,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
// A keychain call stuck on a dead bus may still hold the event loop; the report is out, so leave.
process.exit(0);
