/**
 * The inquiry report for the record: its HTML page printed to PDF by Chromium (Debian's
 * `/usr/bin/chromium`, or `VIGIL_CHROMIUM`), driven by playwright-core with JavaScript off and
 * no network: the page is self-contained.
 */
import { existsSync } from 'node:fs';
import { VigilError } from '../core/errors.js';

/** Where Chromium is looked for: `VIGIL_CHROMIUM`, else Debian's. */
export function chromiumPath(): string {
  const configured = process.env.VIGIL_CHROMIUM;
  return configured !== undefined && configured !== '' ? configured : '/usr/bin/chromium';
}

/** True when a PDF can be rendered here (Chromium is installed). */
export function canRenderPdf(executable = chromiumPath()): boolean {
  return existsSync(executable);
}

/**
 * Prints `html` to an A4 PDF. Throws VigilError REQUEST_INVALID (naming `format`) when Chromium
 * or playwright-core is missing; other failures of the browser pass through.
 */
export async function htmlToPdf(html: string, executable = chromiumPath()): Promise<Buffer> {
  if (!existsSync(executable)) {
    throw new VigilError('REQUEST_INVALID', `format: a PDF needs Chromium, and ${executable} is missing (apt-get install chromium, or set VIGIL_CHROMIUM); html and json work without it`, {
      path: '/query/format',
    });
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new VigilError('REQUEST_INVALID', 'format: a PDF needs the playwright-core package (npm install playwright-core); html and json work without it', { path: '/query/format' });
  }
  const browser = await playwright.chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--headless'] });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' }, displayHeaderFooter: false });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
