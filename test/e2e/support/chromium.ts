import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); Playwright's own download cannot work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Without the networking flags Chromium tries hosts this machine cannot reach; as root it
 * needs --no-sandbox. Playwright gives each launch a new, empty profile of its own.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Whether to run the browser tests: they may skip with a printed reason, never under CI. */
export function shouldRunChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `no Chromium at ${CHROMIUM} (install Debian's chromium)`;
  if (process.env.CI) throw new Error(`CI is set, so the browser tests must run: ${reason}`);
  console.warn(`Skipping the browser tests: ${reason}`);
  return false;
}

/** Headless Chromium; each `newContext` is a browser window of its own (own session storage). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
