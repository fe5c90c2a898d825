/**
 * Headless Chromium (Debian's `chromium`) driven by puppeteer-core: opens the preview page, waits until every
 * panel is drawn, collects console errors, and screenshots the page.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { PanelReport } from './page-data.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  return !spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore' }).error;
}

export interface OpenPage {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh profile each time, nothing from the network, the same fonts and time zone whatever the machine says. */
export async function openPage(html: string, width: number): Promise<OpenPage> {
  if (!chromiumInstalled()) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  const profile = await mkdtemp(join(tmpdir(), 'spt-preview-chromium-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: [
        '--no-sandbox',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        '--font-render-hinting=none',
        '--hide-scrollbars',
      ],
      env: { ...process.env, TZ: 'UTC', LANG: 'en_US.UTF-8' },
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.emulateTimezone('UTC');
    await page.setViewport({ width: width + 32, height: 900, deviceScaleFactor: 1 });
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 }).catch(() => {
      throw new Error(`the preview page did not finish drawing: ${errors.join('; ') || 'no error reported'}`);
    });
    const opened = browser;
    return {
      page,
      errors,
      close: async () => {
        await opened.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

export async function screenshot(page: Page): Promise<Uint8Array> {
  return page.screenshot({ type: 'png', fullPage: true });
}

/** What each panel of the page drew (the page's `previewReport`). */
export function panelReports(page: Page): Promise<PanelReport[]> {
  return page.evaluate(() => (globalThis as unknown as { previewReport: PanelReport[] }).previewReport);
}
