/**
 * Reads the Electron fuses of packed apps back and checks them against `FUSES` in
 * `electron-builder.config.ts`: `npm run fuses` after `npm run dist` looks in `dist/` (the
 * unpacked app electron-builder leaves beside each installer), or name the apps to read:
 * `npm run fuses -- /Applications/Nagare.app`. Exits with 1 when a fuse is not as it should be.
 *
 * The build already reads them back after flipping them; this is for an app that was built
 * elsewhere, or installed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fuseProblems } from '../electron-builder.config';

/** The packed apps electron-builder left in `dist/`: `*-unpacked/<executable>`, `mac*\/Nagare.app`. */
export function packedAppsIn(dist: string): string[] {
  if (!existsSync(dist)) return [];
  const apps: string[] = [];
  for (const folder of readdirSync(dist, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    const dir = join(dist, folder.name);
    const entries = readdirSync(dir);
    if (folder.name.startsWith('mac')) {
      apps.push(...entries.filter((name) => name.endsWith('.app')).map((name) => join(dir, name)));
    } else if (folder.name === 'win-unpacked' || folder.name.startsWith('win-')) {
      apps.push(...entries.filter((name) => name.endsWith('.exe')).map((name) => join(dir, name)));
    } else if (folder.name.startsWith('linux')) {
      // The executable is the file named after the package, beside chrome-sandbox and the .pak files.
      apps.push(...entries.filter((name) => name === 'nagare').map((name) => join(dir, name)));
    }
  }
  return apps;
}

async function main(paths: string[]): Promise<number> {
  const apps = paths.length > 0 ? paths : packedAppsIn('dist');
  if (apps.length === 0) {
    console.error('No packed app found in dist/. Run `npm run dist` first, or name the app to read.');
    return 1;
  }
  let failed = false;
  for (const app of apps) {
    const problems = await fuseProblems(app);
    process.stdout.write(problems.length === 0 ? `✓ ${app}: fuses as configured\n` : `✗ ${app}:\n`);
    for (const problem of problems) process.stdout.write(`  - ${problem}\n`);
    failed ||= problems.length > 0;
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
