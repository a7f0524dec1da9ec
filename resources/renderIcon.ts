/**
 * Renders `resources/icon.svg`, the one source image, to the PNGs the installers use:
 *
 * - `icon.png`, 1024×1024: electron-builder derives the macOS `.icns` and the Windows `.ico` from it;
 * - `icons/<N>x<N>.png` for Linux: electron-builder copies Linux icons as they are, and the
 *   freedesktop hicolor theme has no 1024 size, so a lone 1024 PNG would not be found by the desktop.
 *
 * Run it with `npm run icons` after editing the SVG, and commit the PNGs. It drives Debian's
 * Chromium through Playwright, so no other image tool is needed.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';

/** Sizes of the Linux icon set: the hicolor theme's usual application sizes. */
export const LINUX_ICON_SIZES = [16, 32, 48, 64, 128, 256, 512] as const;

const resourcesDir = dirname(fileURLToPath(import.meta.url));

/** Where each rendering goes, relative to `resources/`. */
export function iconOutputs(): Array<{ file: string; size: number }> {
  return [
    { file: 'icon.png', size: 1024 },
    ...LINUX_ICON_SIZES.map((size) => ({ file: join('icons', `${size}x${size}.png`), size })),
  ];
}

async function renderIcons(): Promise<void> {
  const svg = await readFile(join(resourcesDir, 'icon.svg'));
  const source = `data:image/svg+xml;base64,${svg.toString('base64')}`;
  await mkdir(join(resourcesDir, 'icons'), { recursive: true });

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    for (const { file, size } of iconOutputs()) {
      // Each size is rasterised from the vector at that size, not scaled down from 1024.
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}img{display:block}</style>` +
          `<img src="${source}" width="${size}" height="${size}" alt="">`,
      );
      await page.evaluate('document.querySelector("img").decode()');
      await page.screenshot({ path: join(resourcesDir, file), omitBackground: true });
      await page.close();
      process.stdout.write(`resources/${file} (${size}×${size})\n`);
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await renderIcons();
}
