// What happens with no D-Bus session at all, checked in a child process with its own environment
// (libsecret keeps its bus connection for the life of a process).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KeychainUnavailableReport } from './testing/keychainUnavailable.cli';

const script = fileURLToPath(new URL('./testing/keychainUnavailable.cli.ts', import.meta.url));

function runWithoutBus(sessionKey: string): Promise<KeychainUnavailableReport> {
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  return new Promise((resolve, reject) => {
    // `timeout` kills the child: a hung keychain call must fail this test, not stall the run.
    execFile(
      process.execPath,
      ['--import', 'tsx', script, sessionKey],
      { env, timeout: 30_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`child failed (${error.killed ? 'killed after timeout' : error.message}): ${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as KeychainUnavailableReport);
        } catch {
          reject(new Error(`child printed no report: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

describe('without a D-Bus session', () => {
  it('probes the keychain as unavailable with the fix, refuses to store there, and still takes a session key', async () => {
    const report = await runWithoutBus('sk-session-only-key-7777');
    expect(report.probe.available).toBe(false);
    // A code and a reason: the window says it, with the fix, in its own language.
    expect(report.probe.problem).toMatchObject({ code: 'keychain_unavailable', reason: 'keychain_no_session_bus' });
    expect(report.probe.problem?.message).toContain('Install or unlock GNOME Keyring / KWallet');
    expect(report.keychainSet.code).toBe('keychain_unavailable');
    expect(report.keychainSet.message).toBe(report.probe.problem?.message);
    expect(report.sessionSet).toEqual({ isSet: true, storage: 'session' });
    expect(report.keyForRequest).toBe('sk-session-only-key-7777');
    expect(report.statusKeychainAvailable).toBe(false);
  }, 40_000);
});
