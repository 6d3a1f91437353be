import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; playwright-core drives it and never downloads a browser of its own. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Whether Chromium is installed. Browser tests skip with the reason locally and fail under
 * CI=true, where a missing browser is a broken machine (.ci/run installs it).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const why = `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;
  if (process.env['CI'] === 'true') throw new Error(`browser tests cannot run under CI=true: ${why}`);
  console.warn(`SKIPPING browser tests: ${why}`);
  return false;
}

/** Starts headless Chromium; as root (containers, CI) its sandbox cannot start, so it goes without. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}
