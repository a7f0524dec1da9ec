/**
 * How Nagare is packaged: a dmg for macOS (arm64 and x64, each with the zip that updates come
 * from), an NSIS installer for Windows, and an AppImage and a deb for Linux. `npm run dist` builds
 * the ones for the current OS into `dist/`.
 *
 * The app id is set here, once; the product name and version come from package.json. Signing and
 * notarization read the publisher's credentials from the environment (see the README, "Installers"),
 * so nothing secret lives in this file and an unsigned build needs nothing set.
 *
 * After packing, before signing, Electron's fuses are flipped so that the signed binary cannot be
 * run as Node or debugged from outside (see {@link FUSES}) and read back to check that they were.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import type { AfterPackContext, Configuration } from 'electron-builder';

/** The bundle id / AppUserModelID / desktop id. Changing it makes a different app to every OS. */
export const APP_ID = 'app.nagare.desktop';

type TargetPlatform = 'darwin' | 'win32' | 'linux';

/** electron-builder's `Arch` enum, by value (imported as a type only, so loading this file stays cheap). */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'] as const;

/** The npm package of libsql's prebuilt binary for a platform and CPU (see libsql's `neon.targets`). */
export function libsqlBinaryPackage(platform: TargetPlatform, arch: string): string {
  if (platform === 'darwin') return `@libsql/darwin-${arch}`;
  if (platform === 'win32') return `@libsql/win32-${arch}-msvc`;
  return arch === 'armv7l' ? '@libsql/linux-arm-gnueabihf' : `@libsql/linux-${arch}-gnu`;
}

const MACH_O_CPU: Record<number, string> = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const ELF_MACHINE: Record<number, string> = { 0x03: 'ia32', 0x28: 'armv7l', 0x3e: 'x64', 0xb7: 'arm64' };
const PE_MACHINE: Record<number, string> = { 0x014c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64' };

/** The OS and CPUs a native binary was built for, read from its header; null for an unknown format. */
export function binaryTarget(header: Buffer): { platform: TargetPlatform; archs: string[] } | null {
  if (header.length >= 8 && header.readUInt32LE(0) === 0xfeedfacf) {
    return { platform: 'darwin', archs: [MACH_O_CPU[header.readUInt32LE(4)] ?? 'unknown'] };
  }
  if (header.length >= 8 && header.readUInt32BE(0) === 0xcafebabe) {
    // A universal Mach-O: a table of 20-byte entries, each starting with its CPU type.
    const count = header.readUInt32BE(4);
    const archs: string[] = [];
    for (let index = 0; index < count && 8 + index * 20 + 4 <= header.length; index++) {
      archs.push(MACH_O_CPU[header.readUInt32BE(8 + index * 20)] ?? 'unknown');
    }
    return { platform: 'darwin', archs };
  }
  if (header.length >= 20 && header.readUInt32BE(0) === 0x7f454c46) {
    return { platform: 'linux', archs: [ELF_MACHINE[header.readUInt16LE(18)] ?? 'unknown'] };
  }
  if (header.length >= 0x40 && header.toString('latin1', 0, 2) === 'MZ') {
    const pe = header.readUInt32LE(0x3c);
    if (pe + 6 <= header.length && header.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      return { platform: 'win32', archs: [PE_MACHINE[header.readUInt16LE(pe + 4)] ?? 'unknown'] };
    }
  }
  return null;
}

function readHeader(file: string): Buffer {
  const header = Buffer.alloc(4096);
  const descriptor = openSync(file, 'r');
  try {
    return header.subarray(0, readSync(descriptor, header, 0, header.length, 0));
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Why the native modules in a packed app's `app.asar.unpacked` would not load on the target,
 * one sentence each; empty when keytar's and libsql's binaries are there and match it.
 */
export function nativeModuleProblems(unpackedDir: string, platform: TargetPlatform, arch: string): string[] {
  const binaries = [
    join('node_modules', 'keytar', 'build', 'Release', 'keytar.node'),
    join('node_modules', libsqlBinaryPackage(platform, arch), 'index.node'),
  ];
  const problems: string[] = [];
  for (const binary of binaries) {
    const file = join(unpackedDir, binary);
    if (!existsSync(file)) {
      problems.push(`${binary} is missing from app.asar.unpacked.`);
      continue;
    }
    const built = binaryTarget(readHeader(file));
    if (!built || built.platform !== platform || !built.archs.includes(arch)) {
      const what = built ? `${built.platform} ${built.archs.join('+')}` : 'an unknown format';
      problems.push(`${binary} is built for ${what}, not ${platform} ${arch}.`);
    }
  }
  return problems;
}

function unpackedDirOf(context: AfterPackContext): string {
  if (context.electronPlatformName !== 'darwin') return join(context.appOutDir, 'resources', 'app.asar.unpacked');
  const bundle = readdirSync(context.appOutDir).find((name) => name.endsWith('.app'));
  return join(context.appOutDir, bundle ?? '', 'Contents', 'Resources', 'app.asar.unpacked');
}

/**
 * With `npmRebuild` off, the app ships the binaries `npm install` put in node_modules, which are
 * the build machine's. Stop before an installer for another CPU (the x64 dmg built on Apple
 * silicon, say) is made with binaries that cannot load there.
 */
async function checkNativeModules(context: AfterPackContext): Promise<void> {
  const arch = ARCH_NAMES[context.arch];
  // A universal app is stitched from an x64 and an arm64 app, each checked when it was packed.
  if (arch === 'universal') return;
  const platform = context.electronPlatformName as TargetPlatform;
  const problems = nativeModuleProblems(unpackedDirOf(context), platform, String(arch));
  if (problems.length === 0) return;
  throw new Error(
    [
      `The ${platform} ${arch} package would not start: its native modules were installed for another system.`,
      ...problems.map((problem) => `  - ${problem}`),
      platform === 'darwin'
        ? `Build each dmg on a Mac with that CPU; on this one: npm run dist -- --mac dmg:${process.arch} zip:${process.arch}`
        : 'Build each installer on a machine with its OS and CPU.',
    ].join('\n'),
  );
}

/**
 * The fuses every packaged Nagare has; the others keep Electron's defaults. Without the first
 * three, any local process could run the signed binary as Node (`ELECTRON_RUN_AS_NODE`, with
 * `NODE_OPTIONS`, or under `--inspect`) and read the keychain items the OS trusts Nagare with.
 */
export const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // macOS and Windows check app.asar against the hash electron-builder embeds; Linux ignores it.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
} as const satisfies Partial<Record<FuseV1Options, boolean>>;

/** The byte @electron/fuses writes for a fuse that is on (`'1'`) or off (`'0'`). */
const FUSE_ON = '1'.charCodeAt(0);
const FUSE_OFF = '0'.charCodeAt(0);

/** The file holding the fuse wire of a packed app: the `.app` bundle, the `.exe`, or the Linux executable. */
export function electronBinaryOf(context: AfterPackContext): string {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${productFilename}.app`);
  }
  if (electronPlatformName === 'win32') return join(appOutDir, `${productFilename}.exe`);
  return join(appOutDir, (packager as unknown as { executableName: string }).executableName);
}

/** Reads a packed app's fuses back: one sentence per fuse that is not as {@link FUSES} says. */
export async function fuseProblems(binary: string): Promise<string[]> {
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<string, number>;
  const problems: string[] = [];
  for (const [index, wanted] of Object.entries(FUSES)) {
    const name = FuseV1Options[Number(index)];
    const found = wire[index];
    if (found === undefined) problems.push(`${name} is not in this Electron's fuse wire.`);
    else if (found !== (wanted ? FUSE_ON : FUSE_OFF)) {
      problems.push(
        `${name} is ${found === FUSE_ON ? 'on' : found === FUSE_OFF ? 'off' : 'unset'}, not ${wanted ? 'on' : 'off'}.`,
      );
    }
  }
  return problems;
}

/**
 * Flips {@link FUSES} in the packed app and reads them back. An arm64 Mac app that is not signed
 * next needs its ad-hoc signature redone, or macOS refuses to start it after the binary changed.
 */
async function flipAppFuses(context: AfterPackContext, macSigning: boolean): Promise<void> {
  const binary = electronBinaryOf(context);
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await flipFuses(binary, {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: darwin && !macSigning && ARCH_NAMES[context.arch] === 'arm64',
    ...FUSES,
  });
  const problems = await fuseProblems(binary);
  if (problems.length > 0) {
    throw new Error(
      [`The fuses of ${binary} did not take:`, ...problems.map((problem) => `  - ${problem}`)].join('\n'),
    );
  }
}

/** What runs once an app is packed, before it is signed and put into installers. */
export function afterPackFor(macSigning: boolean): (context: AfterPackContext) => Promise<void> {
  return async (context) => {
    await checkNativeModules(context);
    await flipAppFuses(context, macSigning);
  };
}

type AzureSignOptions = NonNullable<NonNullable<Configuration['win']>['azureSignOptions']>;

/** Azure Trusted Signing, when the publisher has named the account in the environment. */
function azureSignOptionsFrom(env: NodeJS.ProcessEnv): AzureSignOptions | null {
  const endpoint = env['NAGARE_AZURE_SIGNING_ENDPOINT'];
  const codeSigningAccountName = env['NAGARE_AZURE_SIGNING_ACCOUNT'];
  const certificateProfileName = env['NAGARE_AZURE_CERTIFICATE_PROFILE'];
  const publisherName = env['NAGARE_WINDOWS_PUBLISHER_NAME'];
  if (!endpoint || !codeSigningAccountName || !certificateProfileName || !publisherName) return null;
  return { endpoint, codeSigningAccountName, certificateProfileName, publisherName };
}

/** The configuration, with signing switched on by whichever credentials `env` holds. */
export function createConfig(env: NodeJS.ProcessEnv = process.env): Configuration {
  const macSigning = Boolean(env['CSC_LINK'] || env['CSC_NAME']);
  const azureSignOptions = azureSignOptionsFrom(env);

  return {
    appId: APP_ID,
    directories: { output: 'dist', buildResources: 'resources' },
    // The bundles and package.json; electron-builder adds the production node_modules itself.
    // Sources, tests, e2e and benchmarks are left out by not being listed.
    files: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', '!**/*.map'],
    asar: true,
    // Native code cannot be loaded from inside the archive. libsql's JavaScript picks its binary
    // package at run time, so the packages stay whole beside their binaries.
    asarUnpack: ['**/node_modules/keytar/**', '**/node_modules/libsql/**', '**/node_modules/@libsql/**', '**/*.node'],
    // keytar (node-addon-api, N-API 3) and libsql (Neon, N-API) are ABI-stable: the binaries npm
    // installed for Node load unchanged in Electron. A rebuild would only fetch Electron's headers
    // and recompile keytar, and it rewrites node_modules/keytar in place, leaving the checkout with
    // the last-built CPU's binary. It could not fetch libsql's package for another CPU either, so
    // each installer is built on its own OS and CPU, and `afterPack` checks that it was.
    npmRebuild: false,
    afterPack: afterPackFor(macSigning),
    icon: 'resources/icon.png',

    mac: {
      // The dmg is what people download; electron-updater updates a Mac from the zip.
      target: [
        { target: 'dmg', arch: ['arm64', 'x64'] },
        { target: 'zip', arch: ['arm64', 'x64'] },
      ],
      category: 'public.app-category.productivity',
      hardenedRuntime: true,
      entitlements: 'resources/entitlements.mac.plist',
      entitlementsInherit: 'resources/entitlements.mac.plist',
      // Without a certificate, skip signing rather than fail looking for one. `notarize` stays
      // unset: electron-builder notarizes a signed app when APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD
      // and APPLE_TEAM_ID (or APPLE_API_KEY, APPLE_API_KEY_ID, APPLE_API_ISSUER) are set.
      ...(macSigning ? {} : { identity: null }),
    },

    win: {
      // libsql publishes no Windows arm64 binary.
      target: [{ target: 'nsis', arch: ['x64'] }],
      // A .pfx in CSC_LINK / CSC_KEY_PASSWORD (or WIN_CSC_LINK / WIN_CSC_KEY_PASSWORD) signs with
      // signtool and needs nothing here; Azure Trusted Signing needs the account named.
      ...(azureSignOptions ? { azureSignOptions } : {}),
    },
    nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },

    linux: {
      // No arch: the build machine's, which is the one its native modules were installed for.
      target: ['AppImage', 'deb'],
      category: 'Network;Chat',
      // The hicolor theme has no 1024 size: ship the renderings of icon.svg at the usual sizes.
      icon: 'resources/icons',
      syncDesktopName: true,
    },
    deb: {
      // electron-builder's defaults, spelled out so that libsecret-1-0, the Secret Service client
      // library keytar links against, stays whatever the defaults become.
      depends: [
        'libgtk-3-0',
        'libnotify4',
        'libnss3',
        'libxss1',
        'libxtst6',
        'xdg-utils',
        'libatspi2.0-0',
        'libuuid1',
        'libsecret-1-0',
      ],
    },

    // Where electron-updater looks for new versions (written into the app as app-update.yml).
    // The publisher points it at their own releases.
    publish: { provider: 'github', owner: 'nagare-app', repo: 'nagare' },
  };
}

export default createConfig();
