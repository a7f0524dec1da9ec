/**
 * Run by `privateSecretService.test.ts` in a child process: starts a private Secret Service, prints
 * what it started as one JSON line, and stays until it is killed — to check that the daemons do not
 * outlive a test run that dies.
 */
import { startTestSecretService } from './privateSecretService';

const service = await startTestSecretService();
process.stdout.write(
  `${JSON.stringify(service.kind === 'private' ? { kind: service.kind, pids: service.pids, folder: service.folder } : service)}\n`,
);
setInterval(() => undefined, 60_000);
