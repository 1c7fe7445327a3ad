/**
 * Headless Chromium for the dashboard's browser tests: Debian's chromium (TALLY_CHROMIUM
 * or /usr/bin/chromium, installed by scripts/bootstrap) driven by playwright-core, with
 * the flags this machine's closed network needs and a fresh profile per launch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env['TALLY_CHROMIUM'] ?? '/usr/bin/chromium';

export interface HeadlessBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<HeadlessBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tally-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    // Only so a test can inject axe-core; the pages' own CSP is checked by the tests that read headers.
    bypassCSP: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
