/**
 * Vitest's global set-up: one private Secret Service for the whole run (see privateSecretService.ts).
 * The forked workers inherit the environment it sets, so keytar, `secret-tool` and every child process
 * of a test reach that service and nothing else; `inject('testSecretService')` tells a test what was set up.
 */
import type { TestProject } from 'vitest/node';
import { setUpTestSecretService } from './privateSecretService';

/** What the set-up provides to the tests. */
export type ProvidedSecretService =
  { kind: 'private'; address: string; pids: number[] } | { kind: 'os' | 'unavailable' };

declare module 'vitest' {
  export interface ProvidedContext {
    testSecretService: ProvidedSecretService;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { service, teardown } = await setUpTestSecretService();
  project.provide(
    'testSecretService',
    service.kind === 'private'
      ? { kind: 'private', address: service.address, pids: service.pids }
      : { kind: service.kind },
  );
  return teardown;
}
