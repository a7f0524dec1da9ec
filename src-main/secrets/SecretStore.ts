/**
 * Where API keys are kept: the seam between Nagare and the OS keychain, so the keychain can be
 * swapped (or faked in tests) in one place.
 */

import type { AppErrorCode } from '../../src-preload/contract';
import { AppError } from '../common/AppError';

/** A store of secrets by account name (Nagare uses the provider id as the account). */
export interface SecretStore {
  /** The secret for `account`, or null when none is stored. */
  get(account: string): Promise<string | null>;
  /** Stores `secret` for `account`, replacing any earlier one. */
  set(account: string, secret: string): Promise<void>;
  /** Removes the secret for `account`; removing a missing one is not an error. */
  delete(account: string): Promise<void>;
}

/** Why the keychain could not be used; picks the sentence that tells the user what happened. */
export type KeychainFailure =
  /** The native keytar module could not be loaded (missing or built for another runtime). */
  | 'no_module'
  /** Linux: no D-Bus session bus to talk to (SSH, containers, some window managers). */
  | 'no_session_bus'
  /** Linux: a bus, but nothing on it provides the Secret Service. */
  | 'no_provider'
  /** The keychain is locked and was not unlocked (the user declined, or no prompt could be shown). */
  | 'locked'
  /** The keychain did not answer in time. */
  | 'timeout'
  /** Any other failure of the keychain itself. */
  | 'unknown';

const WHAT_HAPPENED: Record<KeychainFailure, string> = {
  no_module: 'The system keychain module could not be loaded.',
  no_session_bus: 'The system keychain cannot be reached: there is no D-Bus session.',
  no_provider: 'The system keychain cannot be reached: no Secret Service is running.',
  locked: 'The system keychain is locked.',
  timeout: 'The system keychain did not answer in time.',
  unknown: 'The system keychain could not be used.',
};

/** What fixes it on each platform, in words a user can act on. */
export function keychainFix(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Open Keychain Access and unlock the login keychain, then try again.';
    case 'win32':
      return 'Check that Windows Credential Manager is available for your account, then try again.';
    default:
      return 'Install or unlock GNOME Keyring / KWallet (a Secret Service provider), then try again.';
  }
}

/**
 * The OS keychain cannot be used right now. The message is safe to show and names the fix;
 * `cause` keeps the raw failure for the log. Nagare never falls back to storing the key in
 * plain text when this happens: the user can keep a key for this session only instead.
 */
export class KeychainUnavailableError extends AppError {
  declare readonly code: Extract<AppErrorCode, 'keychain_unavailable'>;
  readonly reason: KeychainFailure;

  constructor(options: { reason: KeychainFailure; platform: NodeJS.Platform; cause?: unknown }) {
    super(
      'keychain_unavailable',
      `${WHAT_HAPPENED[options.reason]} ${keychainFix(options.platform)} ` +
        'Or keep the key for this session only (it is forgotten when Nagare quits).',
      { cause: options.cause, ...(options.reason === 'unknown' ? {} : { reason: `keychain_${options.reason}` }) },
    );
    this.name = 'KeychainUnavailableError';
    this.reason = options.reason;
  }
}
