/**
 * `node --import tsx --import ./e2e/host/register.ts out/main/index.js` runs
 * the real main bundle with `electron` resolved to the test double.
 */
import { register } from 'node:module';

register('./resolveElectron.ts', import.meta.url);
