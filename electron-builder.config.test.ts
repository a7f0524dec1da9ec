import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, matchesGlob } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import config, {
  APP_ID,
  binaryTarget,
  createConfig,
  afterPackFor,
  electronBinaryOf,
  FUSES,
  fuseProblems,
  libsqlBinaryPackage,
  nativeModuleProblems,
} from './electron-builder.config';

type TargetSpec = string | { target: string; arch?: string | string[] | null };

/** Targets as `{ target, arch }`, whichever of electron-builder's shorthands the config uses. */
function targets(list: TargetSpec | TargetSpec[] | null | undefined): Array<{ target: string; arch: string[] }> {
  const entries = list == null ? [] : Array.isArray(list) ? list : [list];
  return entries.map((entry) =>
    typeof entry === 'string'
      ? { target: entry, arch: [] }
      : { target: entry.target, arch: entry.arch == null ? [] : [entry.arch].flat().map(String) },
  );
}

/** Whether electron-builder would pack a path (relative to the project) given the `files` patterns. */
function packed(path: string): boolean {
  const patterns = (config.files ?? []) as string[];
  const included = patterns.filter((pattern) => !pattern.startsWith('!'));
  const excluded = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
  return (
    included.some((pattern) => matchesGlob(path, pattern)) && !excluded.some((pattern) => matchesGlob(path, pattern))
  );
}

function unpacked(path: string): boolean {
  return (config.asarUnpack as string[]).some((pattern) => matchesGlob(path, pattern));
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width, height and colour type from a PNG's IHDR chunk, which always comes first. */
function pngHeader(file: string): { width: number; height: number; colorType: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`).toBe(true);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorType: bytes[25] ?? -1 };
}

const RGBA = 6;

describe('electron-builder configuration', () => {
  it('sets the app id once, and takes the product name and version from package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;
    expect(config.appId).toBe('app.nagare.desktop');
    expect(APP_ID).toBe(config.appId);
    expect(pkg['productName']).toBe('Nagare');
    expect(pkg['version']).toMatch(/^\d+\.\d+\.\d+/);
    for (const key of ['productName', 'version', 'buildVersion', 'extraMetadata']) {
      expect(config, `${key} would duplicate package.json`).not.toHaveProperty(key);
    }
    expect(config.mac).not.toHaveProperty('bundleShortVersion');
    expect(config.mac).not.toHaveProperty('bundleVersion');
  });

  it('builds a dmg (and the zip updates come from) for x64 and arm64, an NSIS installer, an AppImage and a deb', () => {
    const mac = targets(config.mac?.target);
    expect(mac.find(({ target }) => target === 'dmg')?.arch).toEqual(expect.arrayContaining(['x64', 'arm64']));
    // electron-updater's MacUpdater installs from the zip, never from the dmg.
    expect(mac.find(({ target }) => target === 'zip')?.arch).toEqual(expect.arrayContaining(['x64', 'arm64']));
    expect(targets(config.win?.target).map(({ target }) => target)).toEqual(['nsis']);
    expect(targets(config.linux?.target).map(({ target }) => target)).toEqual(
      expect.arrayContaining(['AppImage', 'deb']),
    );
  });

  it('lets the user choose where NSIS installs, per user', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true });
  });

  it('packs the bundles and package.json, and neither sources, tests, benchmarks nor source maps', () => {
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'resources' });
    for (const path of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json']) {
      expect(packed(path), path).toBe(true);
    }
    for (const path of [
      'src-main/index.ts',
      'src-preload/index.ts',
      'src-renderer/src/main.ts',
      'src-main/streaming/ChatService.test.ts',
      'e2e/chat.spec.ts',
      'e2e/fixtures/mockServer.ts',
      'bench/run.ts',
      'resources/icon.svg',
      'out/main/index.js.map',
      'out/renderer/assets/index.js.map',
      'electron-builder.config.ts',
      'electron.preflight.ts',
      '.ci/run',
      'README.md',
    ]) {
      expect(packed(path), path).toBe(false);
    }
    expect(config.asar).toBe(true);
  });

  it('keeps keytar, libsql and every .node binary outside the asar archive, and nothing else', () => {
    for (const path of [
      'node_modules/keytar/build/Release/keytar.node',
      'node_modules/keytar/lib/keytar.js',
      'node_modules/libsql/index.js',
      'node_modules/@libsql/linux-x64-gnu/index.node',
      'node_modules/@libsql/darwin-arm64/package.json',
      'node_modules/some-addon/build/Release/addon.node',
    ]) {
      expect(unpacked(path), path).toBe(true);
    }
    for (const path of ['node_modules/zod/index.js', 'out/main/index.js', 'package.json']) {
      expect(unpacked(path), path).toBe(false);
    }
  });

  it('names a 1024×1024 RGBA icon.png, and a Linux icon set rendered from the same SVG', () => {
    expect(existsSync('resources/icon.svg')).toBe(true);
    expect(config.icon).toBe('resources/icon.png');
    expect(pngHeader(String(config.icon))).toEqual({ width: 1024, height: 1024, colorType: RGBA });
    for (const platformIcon of [config.mac?.icon, config.win?.icon])
      expect(platformIcon ?? config.icon).toBe(config.icon);

    const linuxIcons = String(config.linux?.icon);
    const sizes = readdirSync(linuxIcons)
      .map((name) => /^(\d+)x\1\.png$/.exec(name)?.[1])
      .filter((size) => size !== undefined)
      .map(Number);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 64, 128, 256, 512]));
    for (const size of sizes) {
      expect(pngHeader(join(linuxIcons, `${size}x${size}.png`))).toEqual({
        width: size,
        height: size,
        colorType: RGBA,
      });
    }
  });

  it('signs macOS builds with the hardened runtime and V8’s JIT entitlement', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.category).toBe('public.app-category.productivity');
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      expect(readFileSync(String(file), 'utf8')).toMatch(/<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    }
  });

  it('skips macOS signing without a certificate, and leaves notarization to the APPLE_* variables', () => {
    expect(createConfig({}).mac?.identity).toBeNull();
    expect(createConfig({ CSC_LINK: 'file:///certificate.p12' }).mac).not.toHaveProperty('identity');
    expect(createConfig({ CSC_NAME: 'Developer ID Application: Someone (TEAMID1234)' }).mac).not.toHaveProperty(
      'identity',
    );
    // `notarize: false` would switch electron-builder's env-driven notarization off.
    expect(createConfig({ CSC_LINK: 'x' }).mac).not.toHaveProperty('notarize');
  });

  it('uses Azure Trusted Signing on Windows only when the whole account is named', () => {
    const azure = {
      NAGARE_AZURE_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net',
      NAGARE_AZURE_SIGNING_ACCOUNT: 'nagare',
      NAGARE_AZURE_CERTIFICATE_PROFILE: 'public-trust',
      NAGARE_WINDOWS_PUBLISHER_NAME: 'Nagare Publisher',
    };
    expect(createConfig(azure).win?.azureSignOptions).toEqual({
      endpoint: 'https://weu.codesigning.azure.net',
      codeSigningAccountName: 'nagare',
      certificateProfileName: 'public-trust',
      publisherName: 'Nagare Publisher',
    });
    expect(createConfig({ ...azure, NAGARE_AZURE_SIGNING_ACCOUNT: '' }).win).not.toHaveProperty('azureSignOptions');
    expect(createConfig({}).win).not.toHaveProperty('azureSignOptions');
  });

  it('makes the deb depend on libsecret, which keytar needs to reach the keyring', () => {
    expect(config.deb?.depends).toContain('libsecret-1-0');
    expect(config.linux?.category).toMatch(/^Network;Chat|^Utility/);
  });

  it('tells electron-updater where releases are published', () => {
    expect(config.publish).toMatchObject({ provider: 'github', owner: expect.any(String), repo: expect.any(String) });
  });

  it('ships the native binaries npm installed, and checks after packing that they fit the target', () => {
    expect(config.npmRebuild).toBe(false);
    expect(typeof config.afterPack).toBe('function');
  });
});

/** The first bytes of a native binary of each format, enough for `binaryTarget`. */
const header = {
  elf(machine: number): Buffer {
    const bytes = Buffer.alloc(64);
    bytes.writeUInt32BE(0x7f454c46, 0);
    bytes.writeUInt16LE(machine, 18);
    return bytes;
  },
  machO(cpu: number): Buffer {
    const bytes = Buffer.alloc(32);
    bytes.writeUInt32LE(0xfeedfacf, 0);
    bytes.writeUInt32LE(cpu, 4);
    return bytes;
  },
  fat(...cpus: number[]): Buffer {
    const bytes = Buffer.alloc(8 + cpus.length * 20);
    bytes.writeUInt32BE(0xcafebabe, 0);
    bytes.writeUInt32BE(cpus.length, 4);
    cpus.forEach((cpu, index) => bytes.writeUInt32BE(cpu, 8 + index * 20));
    return bytes;
  },
  pe(machine: number): Buffer {
    const bytes = Buffer.alloc(256);
    bytes.write('MZ', 0, 'latin1');
    bytes.writeUInt32LE(0x80, 0x3c);
    bytes.write('PE\0\0', 0x80, 'latin1');
    bytes.writeUInt16LE(machine, 0x84);
    return bytes;
  },
};
const X64_MACH_O = 0x01000007;
const ARM64_MACH_O = 0x0100000c;

describe('binaryTarget', () => {
  it('reads the OS and CPU from ELF, Mach-O (thin and universal) and PE headers', () => {
    expect(binaryTarget(header.elf(0x3e))).toEqual({ platform: 'linux', archs: ['x64'] });
    expect(binaryTarget(header.elf(0xb7))).toEqual({ platform: 'linux', archs: ['arm64'] });
    expect(binaryTarget(header.machO(ARM64_MACH_O))).toEqual({ platform: 'darwin', archs: ['arm64'] });
    expect(binaryTarget(header.fat(X64_MACH_O, ARM64_MACH_O))).toEqual({ platform: 'darwin', archs: ['x64', 'arm64'] });
    expect(binaryTarget(header.pe(0x8664))).toEqual({ platform: 'win32', archs: ['x64'] });
    expect(binaryTarget(Buffer.from('#!/bin/sh\necho not a binary\n'))).toBeNull();
  });
});

describe('nativeModuleProblems', () => {
  let appDir: string;
  beforeEach(() => {
    appDir = mkdtempSync(join(tmpdir(), 'nagare-unpacked-'));
  });
  afterEach(() => {
    rmSync(appDir, { recursive: true, force: true });
  });

  function put(path: string, bytes: Buffer): void {
    mkdirSync(dirname(join(appDir, path)), { recursive: true });
    writeFileSync(join(appDir, path), bytes);
  }
  const keytar = 'node_modules/keytar/build/Release/keytar.node';

  it('accepts binaries that match the target', () => {
    put(keytar, header.machO(ARM64_MACH_O));
    put('node_modules/@libsql/darwin-arm64/index.node', header.machO(ARM64_MACH_O));
    expect(nativeModuleProblems(appDir, 'darwin', 'arm64')).toEqual([]);
  });

  it('refuses the x64 package when the binaries were installed on Apple silicon', () => {
    put(keytar, header.machO(ARM64_MACH_O));
    put('node_modules/@libsql/darwin-arm64/index.node', header.machO(ARM64_MACH_O));
    expect(nativeModuleProblems(appDir, 'darwin', 'x64')).toEqual([
      expect.stringMatching(/keytar\.node is built for darwin arm64, not darwin x64/),
      expect.stringMatching(/@libsql\/darwin-x64.*index\.node is missing/),
    ]);
  });

  it('refuses binaries for another OS', () => {
    put(keytar, header.elf(0x3e));
    put('node_modules/@libsql/win32-x64-msvc/index.node', header.pe(0x8664));
    expect(nativeModuleProblems(appDir, 'win32', 'x64')).toEqual([
      expect.stringMatching(/keytar\.node is built for linux x64, not win32 x64/),
    ]);
  });

  it('passes for the binaries installed in this checkout, on this machine', () => {
    const platform = process.platform as 'darwin' | 'win32' | 'linux';
    expect(libsqlBinaryPackage(platform, process.arch)).toMatch(/^@libsql\//);
    expect(nativeModuleProblems('.', platform, process.arch)).toEqual([]);
  });
});

/** The fuse wire @electron/fuses looks for: the sentinel, version 1, the length, one byte per fuse. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron's defaults for its nine V1 fuses: run as Node, NODE_OPTIONS, --inspect, file:// privileges
 * and WebAssembly trap handlers on; cookie encryption, the ASAR checks and the browser V8 snapshot off.
 */
const ELECTRON_DEFAULT_WIRE = '101100011';

function standInBinary(wire = ELECTRON_DEFAULT_WIRE): Buffer {
  return Buffer.concat([
    Buffer.from('\x7fELF stand-in for the Electron executable…'),
    Buffer.from(SENTINEL),
    Buffer.from([1, wire.length]),
    Buffer.from(wire),
    Buffer.from('…the rest of the binary'),
  ]);
}

function wireOf(binary: Buffer): string {
  const at = binary.indexOf(SENTINEL) + SENTINEL.length;
  return binary.subarray(at + 2, at + 2 + binary[at + 1]!).toString('latin1');
}

describe('Electron fuses', () => {
  it('flips exactly the six fuses the security review asked for', () => {
    const named = Object.fromEntries(Object.entries(FUSES).map(([index, on]) => [FuseV1Options[Number(index)], on]));
    expect(named).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableCookieEncryption: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
    });
  });

  it('finds the binary that holds the fuses on each platform', () => {
    const context = (electronPlatformName: string) =>
      ({
        appOutDir: 'dist/out',
        electronPlatformName,
        packager: { appInfo: { productFilename: 'Nagare' }, executableName: 'nagare' },
      }) as unknown as AfterPackContext;
    expect(electronBinaryOf(context('darwin'))).toBe(join('dist/out', 'Nagare.app'));
    expect(electronBinaryOf(context('win32'))).toBe(join('dist/out', 'Nagare.exe'));
    expect(electronBinaryOf(context('linux'))).toBe(join('dist/out', 'nagare'));
  });

  describe('after packing', () => {
    let appOutDir: string;
    beforeEach(() => {
      appOutDir = mkdtempSync(join(tmpdir(), 'nagare-packed-'));
    });
    afterEach(() => {
      rmSync(appOutDir, { recursive: true, force: true });
    });

    /**
     * A packed app for this machine's OS and CPU, as electron-builder lays it out: a stand-in
     * for the Electron binary, and the real native modules npm installed.
     */
    function packedApp(wire?: string): { context: AfterPackContext; binary: string } {
      const platform = process.platform as 'darwin' | 'win32' | 'linux';
      const bundle = join(appOutDir, 'Nagare.app');
      const fuseFile = {
        darwin: join(bundle, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework'),
        win32: join(appOutDir, 'Nagare.exe'),
        linux: join(appOutDir, 'nagare'),
      }[platform];
      mkdirSync(dirname(fuseFile), { recursive: true });
      writeFileSync(fuseFile, standInBinary(wire));
      const unpacked =
        platform === 'darwin'
          ? join(bundle, 'Contents', 'Resources', 'app.asar.unpacked')
          : join(appOutDir, 'resources', 'app.asar.unpacked');
      for (const module of [
        join('node_modules', 'keytar', 'build', 'Release', 'keytar.node'),
        join('node_modules', libsqlBinaryPackage(platform, process.arch), 'index.node'),
      ]) {
        mkdirSync(dirname(join(unpacked, module)), { recursive: true });
        copyFileSync(module, join(unpacked, module));
      }
      const context = {
        appOutDir,
        electronPlatformName: platform,
        arch: ['ia32', 'x64', 'armv7l', 'arm64'].indexOf(process.arch),
        packager: { appInfo: { productFilename: 'Nagare' }, executableName: 'nagare' },
      } as unknown as AfterPackContext;
      return { context, binary: fuseFile };
    }

    it('flips the fuses in the packed binary, after the native-module check, and reads them back', async () => {
      const { context, binary } = packedApp();
      expect(await fuseProblems(electronBinaryOf(context))).toEqual([
        'RunAsNode is on, not off.',
        'EnableCookieEncryption is off, not on.',
        'EnableNodeOptionsEnvironmentVariable is on, not off.',
        'EnableNodeCliInspectArguments is on, not off.',
        'EnableEmbeddedAsarIntegrityValidation is off, not on.',
        'OnlyLoadAppFromAsar is off, not on.',
      ]);
      // Signed next, as a release is: the ad-hoc signature of an arm64 Mac app is left to the signing.
      await afterPackFor(true)(context);
      expect(await fuseProblems(electronBinaryOf(context))).toEqual([]);
      // The six, and the fuses Nagare does not set left as Electron had them.
      expect(wireOf(readFileSync(binary))).toBe('010011011');
    });

    it('stops the build when the binary has no fuse wire', async () => {
      const { context, binary } = packedApp();
      writeFileSync(binary, 'not an Electron binary');
      await expect(afterPackFor(true)(context)).rejects.toThrow(/sentinel/);
    });

    it('stops the build before flipping when the native modules do not fit', async () => {
      const { context, binary } = packedApp();
      const wrongCpu = { ...context, arch: process.arch === 'arm64' ? 1 : 3 } as AfterPackContext;
      await expect(afterPackFor(true)(wrongCpu)).rejects.toThrow(/would not start/);
      expect(wireOf(readFileSync(binary))).toBe(ELECTRON_DEFAULT_WIRE);
    });
  });
});
