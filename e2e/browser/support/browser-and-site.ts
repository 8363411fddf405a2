import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { type ConsoleServer, startConsoleServer } from './console-server';

/**
 * Chromium and a console server, started side by side. When one fails the other is closed
 * before the error is passed on: with Promise.all a server that could not start left Chromium
 * running, unknown to the test's `after`, and the file hung until its 240 s timeout.
 */
export async function launchBrowserAndSite(): Promise<[Browser, ConsoleServer]> {
  const [browser, site] = await Promise.allSettled([launchChromium(), startConsoleServer()]);
  if (browser.status === 'fulfilled' && site.status === 'fulfilled') return [browser.value, site.value];
  if (browser.status === 'fulfilled') await browser.value.close();
  if (site.status === 'fulfilled') await site.value.close();
  throw browser.status === 'rejected' ? browser.reason : (site as PromiseRejectedResult).reason;
}
