import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's headless Chromium (Playwright's own browser download does not work offline). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does, or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
}

/**
 * How many distinct colours a PNG has, decoded by the browser itself (not by our code): a blank or
 * single-colour screenshot has one or two, a drawn panel hundreds.
 */
export async function distinctColours(page: Page, png: Buffer): Promise<{ colours: number; nonBackground: number }> {
  // runs in the page (browser code, kept as text: this project's types have no DOM)
  const script = `(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const counts = new Map();
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let background = 0;
    for (const n of counts.values()) if (n > background) background = n;
    return { colours: counts.size, nonBackground: data.length / 4 - background };
  })()`;
  return page.evaluate(script) as Promise<{ colours: number; nonBackground: number }>;
}
